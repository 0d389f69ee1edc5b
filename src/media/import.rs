//! Parallel stem import (filled in below).

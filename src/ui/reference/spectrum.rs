//! The tonal-balance view: the mix's and the reference's long-term average spectra (the
//! `dsp::ltas` curves: 1/6-octave smoothed, pink-slope corrected, each normalised by its
//! integrated loudness) and their difference, reference − mix, below them.
//!
//! The curves are computed once per new measurement ([`Tonal::update`]), not per frame.

use super::measure::Pair;
use crate::dsp::ltas::{BANDS, Curve, band_differences};
use crate::ui::theme;
use iced::widget::canvas::{self, Cache, Frame, Path, Stroke, Text};
use iced::{Color, Pixels, Point, Rectangle, Renderer, Size, Theme, mouse};

/// Lowest and highest frequency drawn, Hz.
const HZ: (f64, f64) = (20.0, 20_000.0);
/// Range of the spectra, dB (relative to the loudness-normalised level).
const SPECTRUM_DB: f64 = 60.0;
/// Range of the difference, ± dB.
const DIFF_DB: f64 = 12.0;
/// Share of the height the spectra take (the difference gets the rest).
const SPECTRA_SHARE: f32 = 0.62;
/// Width of the dB labels on the left.
const LABEL_W: f32 = 30.0;

/// What the view draws, computed from one pair of measurements.
#[derive(Debug, Default)]
pub struct Tonal {
    /// Mix and reference curves (loudness-normalised) and the difference.
    curves: Option<(Curve, Curve, Curve)>,
    /// Band differences, reference − mix, dB.
    bands: Option<[(&'static str, f64); BANDS.len()]>,
    cache: Cache,
}

impl Tonal {
    /// Recomputes the curves for `pair` (or clears them).
    pub fn update(&mut self, pair: Option<Pair<'_>>) {
        self.cache.clear();
        let Some(p) = pair else {
            self.curves = None;
            self.bands = None;
            return;
        };
        let (m, r) = (&p.mix, &p.reference);
        let (ml, rl) = (m.report.integrated_lufs, r.report.integrated_lufs);
        if !ml.is_finite() || !rl.is_finite() {
            self.curves = None;
            self.bands = None;
            return;
        }
        let mix = m.ltas.curve(true).shifted(-ml);
        let reference = r.ltas.curve(true).shifted(-rl);
        let diff = reference.minus(&mix);
        self.curves = Some((mix, reference, diff));
        self.bands = Some(band_differences(&m.ltas, ml, &r.ltas, rl));
    }

    /// The band differences, reference − mix, once measured.
    pub fn bands(&self) -> Option<&[(&'static str, f64); BANDS.len()]> {
        self.bands.as_ref()
    }
}

fn x_of(hz: f64, w: f32) -> f32 {
    let t = (hz / HZ.0).log10() / (HZ.1 / HZ.0).log10();
    LABEL_W + (w - LABEL_W) * t as f32
}

/// The curve's points in `frame` coordinates: `y_of` maps dB to y.
fn path(curve: &Curve, w: f32, y_of: &dyn Fn(f64) -> f32) -> Path {
    Path::new(|b| {
        let mut started = false;
        for (&hz, &db) in curve.hz.iter().zip(&curve.db) {
            if !db.is_finite() || hz < HZ.0 || hz > HZ.1 {
                started = false;
                continue;
            }
            let p = Point::new(x_of(hz, w), y_of(db));
            if started {
                b.line_to(p);
            } else {
                b.move_to(p);
                started = true;
            }
        }
    })
}

fn label(frame: &mut Frame, s: String, at: Point, color: Color) {
    frame.fill_text(Text {
        content: s,
        position: at,
        color,
        size: Pixels(10.0),
        ..Text::default()
    });
}

impl<M> canvas::Program<M> for Tonal {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &Renderer,
        _theme: &Theme,
        bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let g = self.cache.draw(renderer, bounds.size(), |f| {
            let (w, h) = (f.width(), f.height());
            f.fill_rectangle(Point::ORIGIN, f.size(), theme::WELL_BG);
            let top_h = (h * SPECTRA_SHARE).floor();
            let grid = Stroke::default().with_color(theme::GRID).with_width(1.0);
            for hz in [50.0, 100.0, 200.0, 500.0, 1e3, 2e3, 5e3, 1e4] {
                let x = x_of(hz, w);
                f.stroke(&Path::line(Point::new(x, 0.0), Point::new(x, h)), grid);
                let name = if hz >= 1e3 {
                    format!("{}k", hz / 1e3)
                } else {
                    format!("{hz}")
                };
                label(f, name, Point::new(x + 2.0, top_h - 12.0), theme::TEXT_DIM);
            }
            f.stroke(
                &Path::line(Point::new(0.0, top_h), Point::new(w, top_h)),
                Stroke::default().with_color(theme::BORDER).with_width(1.0),
            );
            let Some((mix, reference, diff)) = &self.curves else {
                label(
                    f,
                    "Tonal balance: waiting for both measurements".into(),
                    Point::new(LABEL_W + 8.0, 8.0),
                    theme::TEXT_DIM,
                );
                return;
            };
            // The spectra: the highest point of either curve at the top.
            let peak = mix
                .db
                .iter()
                .chain(&reference.db)
                .copied()
                .filter(|v| v.is_finite())
                .fold(f64::NEG_INFINITY, f64::max);
            let top_db = (peak / 6.0).ceil() * 6.0;
            let spectra_y = |db: f64| {
                let t = ((top_db - db) / SPECTRUM_DB).clamp(0.0, 1.0);
                2.0 + (top_h - 4.0) * t as f32
            };
            for k in 1..(SPECTRUM_DB / 12.0) as i32 {
                let y = spectra_y(top_db - 12.0 * f64::from(k));
                f.stroke(&Path::line(Point::new(LABEL_W, y), Point::new(w, y)), grid);
                label(
                    f,
                    format!("{}", -12 * k),
                    Point::new(2.0, y - 6.0),
                    theme::TEXT_DIM,
                );
            }
            f.stroke(
                &path(mix, w, &spectra_y),
                Stroke::default()
                    .with_color(theme::SOURCE_MIX)
                    .with_width(1.5),
            );
            f.stroke(
                &path(reference, w, &spectra_y),
                Stroke::default()
                    .with_color(theme::SOURCE_REFERENCE)
                    .with_width(1.5),
            );
            // The difference, 0 dB in the middle of its strip.
            let (d0, dh) = (top_h, h - top_h);
            let diff_y = |db: f64| {
                let t = (0.5 - db / (2.0 * DIFF_DB)).clamp(0.0, 1.0);
                d0 + 2.0 + (dh - 4.0) * t as f32
            };
            for db in [-6.0, 0.0, 6.0] {
                let y = diff_y(db);
                f.stroke(&Path::line(Point::new(LABEL_W, y), Point::new(w, y)), grid);
                label(
                    f,
                    if db == 0.0 {
                        "0".into()
                    } else {
                        format!("{db:+}")
                    },
                    Point::new(2.0, y - 6.0),
                    theme::TEXT_DIM,
                );
            }
            f.stroke(
                &path(diff, w, &diff_y),
                Stroke::default().with_color(theme::TEXT).with_width(1.5),
            );
            label(
                f,
                "reference − mix".into(),
                Point::new(LABEL_W + 6.0, d0 + 3.0),
                theme::TEXT_DIM,
            );
            let legend = Size::new(10.0, 3.0);
            for (i, (c, name)) in [
                (theme::SOURCE_MIX, "mix"),
                (theme::SOURCE_REFERENCE, "reference"),
            ]
            .into_iter()
            .enumerate()
            {
                let x = w - 150.0 + 70.0 * i as f32;
                f.fill_rectangle(Point::new(x, 9.0), legend, c);
                label(f, name.into(), Point::new(x + 14.0, 4.0), theme::TEXT);
            }
        });
        vec![g]
    }
}

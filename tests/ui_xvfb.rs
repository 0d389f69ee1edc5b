//! The real window under Xvfb with the software renderer: the app starts with the example
//! project, draws within a time limit, and the screenshot is not blank.
//!
//! Needs `xvfb-run` (package xvfb) and ImageMagick (`import`, `convert`); without them the test
//! says why it skips, and fails when `CI` is set (CI installs them: `.ci/run`). The screenshot
//! is left in `target/xvfb-screenshot.png`; with `STEMMIX_UPDATE_SCREENSHOT=1` it also replaces
//! `assets/screenshot.png`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Number of distinct colours and the grey standard deviation (0…1) of an image.
fn image_stats(png: &Path) -> (u64, f64) {
    let out = Command::new("convert")
        .arg(png)
        .args(["-format", "%k %[fx:standard_deviation]", "info:"])
        .output()
        .expect("convert runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let colours = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let sd = it.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    (colours, sd)
}

#[test]
fn the_window_draws_the_example_project_under_xvfb() {
    for tool in ["xvfb-run", "import", "convert"] {
        if !have(tool) {
            let why = format!("`{tool}` is not installed (apt install xvfb imagemagick)");
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run this test: {why}"
            );
            eprintln!("SKIPPED: {why}");
            return;
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = root.join("projects-examples/demo/demo.stemmix");
    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shot.png");
    let log = dir.path().join("app.log");
    let script = r#"
        "$BIN" "$PROJECT" > "$LOG" 2>&1 &
        pid=$!
        start=$(date +%s%N)
        n=0
        while [ $n -lt 240 ]; do
            sleep 0.25
            if ! kill -0 $pid 2>/dev/null; then echo "exited early"; exit 3; fi
            import -window root "$SHOT" 2>/dev/null
            colours=$(convert "$SHOT" -format %k info: 2>/dev/null || echo 0)
            if [ "$colours" -gt 500 ]; then break; fi
            n=$((n+1))
        done
        end=$(date +%s%N)
        echo "drawn_after_ms=$(( (end - start) / 1000000 ))"
        sleep 1
        import -window root "$SHOT"
        if kill $pid; then echo "alive_at_end=yes"; fi
        wait $pid
        exit 0
    "#;
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1440x900x24", "sh", "-c", script])
        .env("BIN", env!("CARGO_BIN_EXE_stemmix"))
        .env("PROJECT", &project)
        .env("SHOT", &shot)
        .env("LOG", &log)
        .env("ICED_BACKEND", "tiny-skia")
        .env("STEMMIX_HOME", dir.path().join("home"))
        .output()
        .expect("xvfb-run runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let app_log = std::fs::read_to_string(&log).unwrap_or_default();
    eprintln!("{stdout}\n--- app log ---\n{app_log}");
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("alive_at_end=yes"),
        "the app did not keep running"
    );
    assert!(!app_log.contains("panicked"), "{app_log}");
    let (colours, sd) = image_stats(&shot);
    eprintln!("screenshot: {colours} colours, grey standard deviation {sd:.3}");
    assert!(colours > 500, "blank screenshot? {colours} colours");
    assert!(sd > 0.05, "blank screenshot? standard deviation {sd}");

    let keep: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| root.join("target"), PathBuf::from)
        .join("xvfb-screenshot.png");
    let _ = std::fs::copy(&shot, &keep);
    if std::env::var_os("STEMMIX_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&shot, root.join("assets/screenshot.png")).unwrap();
    }
}

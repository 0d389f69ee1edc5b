//! The packaging files agree with each other and with the program: the README's system packages
//! with `.ci/run`, the desktop entry with the window's application id and the MIME type, the MIME
//! type with the project file extension, the icons with their sizes, and `cargo deb`'s assets with
//! the repository. (`.ci/check-packaging` runs the external validators: wixl, desktop-file-validate,
//! update-mime-database.)

use std::path::{Path, PathBuf};

fn repo_file(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo_file(rel)).unwrap_or_else(|e| panic!("reading {rel}: {e}"))
}

/// The package names of the README's `sudo apt-get install -y ...` line.
fn readme_packages(readme: &str) -> Vec<String> {
    let line = readme
        .lines()
        .find(|l| l.trim_start().starts_with("sudo apt-get install -y "))
        .expect("README.md has a `sudo apt-get install -y` line");
    let list = line
        .trim_start()
        .trim_start_matches("sudo apt-get install -y ");
    list.split_whitespace().map(str::to_string).collect()
}

/// The package names of `.ci/run`'s `PACKAGES="..."` line.
fn ci_packages(run: &str) -> Vec<String> {
    let line = run
        .lines()
        .find(|l| l.starts_with("PACKAGES=\""))
        .expect(".ci/run has a PACKAGES=\"...\" line");
    let list = line.trim_start_matches("PACKAGES=\"").trim_end_matches('"');
    list.split_whitespace().map(str::to_string).collect()
}

#[test]
fn readme_and_ci_install_the_same_system_packages() {
    let readme = readme_packages(&read("README.md"));
    let ci = ci_packages(&read(".ci/run"));
    assert!(!ci.is_empty(), ".ci/run installs no package");
    assert_eq!(
        readme, ci,
        "README.md's system packages and .ci/run's PACKAGES differ"
    );
}

#[test]
fn the_package_list_parsers_see_a_difference() {
    // Guards the test above against parsers that would read both lists as empty or equal.
    let readme = "x\n   sudo apt-get install -y a b c\n";
    assert_eq!(readme_packages(readme), ["a", "b", "c"]);
    assert_ne!(readme_packages(readme), ci_packages("PACKAGES=\"a b\"\n"));
}

/// The value of `key` in the `[Desktop Entry]` group of a desktop file.
fn desktop_value<'a>(desktop: &'a str, key: &str) -> Option<&'a str> {
    desktop
        .lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
}

#[test]
fn the_desktop_entry_matches_the_window_and_the_mime_type() {
    let id = stemmix::ui::window_icon::APPLICATION_ID;
    assert!(
        repo_file(&format!("assets/{id}.desktop")).is_file(),
        "the desktop entry's basename is the application id"
    );
    let desktop = read("assets/stemmix.desktop");
    assert_eq!(desktop_value(&desktop, "StartupWMClass"), Some(id));
    assert_eq!(desktop_value(&desktop, "Icon"), Some("stemmix"));
    let exec = desktop_value(&desktop, "Exec").expect("Exec=");
    assert_eq!(exec.split_whitespace().next(), Some(env!("CARGO_PKG_NAME")));
    let mime = read("assets/stemmix-mime.xml");
    let mime_type = mime
        .split("<mime-type type=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the MIME XML declares a type");
    let declared: Vec<&str> = desktop_value(&desktop, "MimeType")
        .expect("MimeType=")
        .split(';')
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(declared, [mime_type]);
    let glob = format!(
        "<glob pattern=\"*.{}\"/>",
        stemmix::project::file::EXTENSION
    );
    assert!(mime.contains(&glob), "the MIME type's glob is {glob}");
}

const ICON_SIZES: [u32; 9] = [16, 22, 24, 32, 48, 64, 128, 256, 512];

#[test]
fn every_icon_png_has_its_size() {
    for size in ICON_SIZES {
        let rel = format!("assets/icons/hicolor/{size}x{size}/apps/stemmix.png");
        let bytes = std::fs::read(repo_file(&rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
        let info = reader.info();
        assert_eq!((info.width, info.height), (size, size), "{rel}");
    }
}

#[test]
fn the_windows_icon_holds_the_installer_sizes() {
    // ICO: a 6-byte header (0, type 1, count) then 16-byte entries whose first two bytes are the
    // width and height, 0 meaning 256.
    let ico = std::fs::read(repo_file("assets/stemmix.ico")).expect("assets/stemmix.ico");
    assert_eq!(&ico[..4], &[0, 0, 1, 0], "an ICO header");
    let count = u16::from_le_bytes([ico[4], ico[5]]) as usize;
    let sizes: Vec<u32> = (0..count)
        .map(|i| {
            let e = &ico[6 + 16 * i..6 + 16 * (i + 1)];
            assert_eq!(e[0], e[1], "square entries");
            if e[0] == 0 { 256 } else { u32::from(e[0]) }
        })
        .collect();
    for needed in [16, 32, 48, 256] {
        assert!(sizes.contains(&needed), "{needed} px in {sizes:?}");
    }
}

/// The source paths of `[package.metadata.deb]` assets (one `["source", "dest", "mode"]` a line).
fn deb_asset_sources(cargo_toml: &str) -> Vec<String> {
    let section = cargo_toml
        .split("\n[package.metadata.deb]\n")
        .nth(1)
        .expect("Cargo.toml has [package.metadata.deb]");
    let section = section.split("\n[").next().unwrap_or(section);
    section
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("[\""))
        .filter_map(|l| l[2..].split('"').next().map(str::to_string))
        .collect()
}

#[test]
fn every_deb_asset_exists() {
    let sources = deb_asset_sources(&read("Cargo.toml"));
    assert!(
        sources.contains(&"target/release/stemmix".to_string()),
        "the binary is packaged"
    );
    for size in ICON_SIZES {
        let icon = format!("assets/icons/hicolor/{size}x{size}/apps/stemmix.png");
        assert!(sources.contains(&icon), "{icon} is packaged");
    }
    for src in sources.iter().filter(|s| !s.starts_with("target/")) {
        match src.split_once('*') {
            // A `dir/*.ext` glob: the folder holds at least one such file.
            Some((dir, ext)) => {
                let found = std::fs::read_dir(repo_file(dir))
                    .unwrap_or_else(|e| panic!("{src}: {e}"))
                    .filter_map(Result::ok)
                    .any(|e| e.file_name().to_string_lossy().ends_with(ext));
                assert!(found, "{src} matches no file");
            }
            None => assert!(repo_file(src).is_file(), "{src} does not exist"),
        }
    }
}

#[test]
fn the_example_project_is_packaged_with_all_its_stems() {
    let sources = deb_asset_sources(&read("Cargo.toml"));
    assert!(sources.contains(&"projects-examples/demo/demo.stemmix".to_string()));
    // Every stem the example names lives in the packaged stems folder as a .wav.
    let demo = read("projects-examples/demo/demo.stemmix");
    for stem in demo
        .split("source: \"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
    {
        assert!(
            stem.starts_with("stems/") && stem.ends_with(".wav"),
            "{stem} is outside projects-examples/demo/stems/*.wav"
        );
    }
    assert!(sources.contains(&"projects-examples/demo/stems/*.wav".to_string()));
}

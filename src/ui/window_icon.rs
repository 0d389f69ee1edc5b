//! The window's icon and application id, the two things a desktop needs to match the running
//! window with the installed `stemmix.desktop` entry and show its icon.

use iced::window;

/// The window's application id: X11 `WM_CLASS` (instance and class) and Wayland `app_id`. It equals
/// `StartupWMClass` in `assets/stemmix.desktop` and that file's basename, which is how docks and
/// task bars find the entry (and so its icon) for the window.
pub const APPLICATION_ID: &str = "stemmix";

/// The app icon at 256 px, rendered from `assets/stemmix.svg` by `assets/render-icons.sh`.
const ICON_PNG: &[u8] = include_bytes!("../../assets/icons/hicolor/256x256/apps/stemmix.png");

/// The icon's pixels as 8-bit RGBA with their width and height.
pub fn icon_rgba() -> Result<(Vec<u8>, u32, u32), String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(ICON_PNG));
    // Palette and sub-byte images expand to 8-bit grey or RGB (with alpha where the file has
    // transparency), 16-bit ones are cut to 8; what is left is spread out to RGBA below.
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader
        .output_buffer_size()
        .ok_or("the icon is too large to decode")?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(|e| e.to_string())?;
    pixels.truncate(frame.buffer_size());
    let rgba = match frame.color_type {
        png::ColorType::Rgba => pixels,
        png::ColorType::Rgb => pixels
            .chunks_exact(3)
            .flat_map(|p| [p[0], p[1], p[2], 255])
            .collect(),
        png::ColorType::GrayscaleAlpha => pixels
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0], p[1]])
            .collect(),
        png::ColorType::Grayscale => pixels.iter().flat_map(|&g| [g, g, g, 255]).collect(),
        other => return Err(format!("the icon has an unexpected colour type {other:?}")),
    };
    Ok((rgba, frame.width, frame.height))
}

/// Window settings carrying the icon (when it decodes) and, on Linux, the application id.
pub fn settings() -> window::Settings {
    let icon = icon_rgba()
        .and_then(|(rgba, w, h)| window::icon::from_rgba(rgba, w, h).map_err(|e| e.to_string()));
    window::Settings {
        // A window without its icon still works: say why once and carry on.
        icon: icon
            .map_err(|e| eprintln!("warning: the window icon is unavailable: {e}"))
            .ok(),
        #[cfg(target_os = "linux")]
        platform_specific: window::settings::PlatformSpecific {
            application_id: APPLICATION_ID.to_string(),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_icon_decodes_to_256_px_rgba_with_transparent_corners() {
        let (rgba, w, h) = icon_rgba().expect("the embedded icon decodes");
        assert_eq!((w, h), (256, 256));
        assert_eq!(rgba.len(), 256 * 256 * 4);
        // The rounded square leaves the corners transparent and its centre opaque.
        assert_eq!(rgba[3], 0, "top-left pixel is transparent");
        let centre = (128 * 256 + 128) * 4;
        assert_eq!(rgba[centre + 3], 255, "centre pixel is opaque");
    }
}

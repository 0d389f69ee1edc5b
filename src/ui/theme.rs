//! The stemmix look: a dark theme, the fixed colours of meters and buttons, and style functions
//! for the standard iced widgets (mute/solo/polarity toggles, strip containers).
//!
//! Meter and button colours are constants rather than palette entries because their meaning
//! (green = fine, red = clipping, yellow = muted) must not change with the theme.

use crate::project;
use iced::widget::{button, container};
use iced::{Background, Border, Color, Shadow, Theme, color};

/// Window background.
pub const BACKGROUND: Color = color!(0x1b1d21);
/// Background of a channel strip.
pub const STRIP_BG: Color = color!(0x25282e);
/// Background of side panels and the transport bar.
pub const PANEL_BG: Color = color!(0x202328);
/// Background of timeline lanes and of the wells drawn inside widgets (meter, fader slot).
pub const WELL_BG: Color = color!(0x141619);
/// Normal text.
pub const TEXT: Color = color!(0xdadee5);
/// Secondary text: scale labels, units.
pub const TEXT_DIM: Color = color!(0x8b929d);
/// Scale ticks and grid lines.
pub const GRID: Color = color!(0x3a3f47);
/// Borders between strips and around wells.
pub const BORDER: Color = color!(0x32363d);
/// Selection, active controls, the loop region.
pub const ACCENT: Color = color!(0x4aa3df);
/// Meter segment below −12 dBFS.
pub const METER_GREEN: Color = color!(0x46c35a);
/// Meter segment from −12 to −3 dBFS.
pub const METER_YELLOW: Color = color!(0xe3c341);
/// Meter segment above −3 dBFS.
pub const METER_RED: Color = color!(0xe8483f);
/// A lit clip light.
pub const CLIP_RED: Color = color!(0xff2d2d);
/// Gain-reduction bar.
pub const GAIN_REDUCTION: Color = color!(0xf09a3a);
/// The playhead line.
pub const PLAYHEAD: Color = color!(0xf2f2f2);
/// A lit mute button.
pub const MUTE: Color = color!(0xe8c547);
/// A lit solo button.
pub const SOLO: Color = color!(0x5ccf6a);
/// A lit polarity-invert button.
pub const POLARITY: Color = color!(0xb58cf0);
/// Warnings and offline stems.
pub const WARNING: Color = color!(0xe0923c);
/// Errors.
pub const DANGER: Color = color!(0xe05555);

/// What is heard: the mix (A/B button, master meter frame, labels).
pub const SOURCE_MIX: Color = color!(0x4aa3df);
/// What is heard: a reference.
pub const SOURCE_REFERENCE: Color = color!(0xf08a24);

/// The colour that says what is heard.
pub fn source_color(reference: bool) -> Color {
    if reference {
        SOURCE_REFERENCE
    } else {
        SOURCE_MIX
    }
}

/// A frame in the colour of what is heard (the master meter, the A/B label).
pub fn source_frame(reference: bool) -> impl Fn(&Theme) -> container::Style {
    move |_theme| container::Style {
        text_color: Some(TEXT),
        background: None,
        border: Border {
            color: source_color(reference),
            width: 2.0,
            radius: 3.0.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// The stemmix dark theme.
pub fn theme() -> Theme {
    Theme::custom(
        "stemmix dark",
        iced::theme::Palette {
            background: BACKGROUND,
            text: TEXT,
            primary: ACCENT,
            success: SOLO,
            warning: WARNING,
            danger: DANGER,
        },
    )
}

/// A track colour from the project as an iced colour.
pub fn track_color(c: project::Color) -> Color {
    Color::from_rgb8(c.r, c.g, c.b)
}

/// `c` with its alpha multiplied by `alpha`.
pub fn fade(c: Color, alpha: f32) -> Color {
    Color {
        a: c.a * alpha,
        ..c
    }
}

/// `c` mixed towards black by `amount` (0…1); used for pressed and unlit states.
pub fn darken(c: Color, amount: f32) -> Color {
    let k = 1.0 - amount.clamp(0.0, 1.0);
    Color::from_rgba(c.r * k, c.g * k, c.b * k, c.a)
}

/// `c` mixed towards white by `amount` (0…1); used for hovered states.
pub fn lighten(c: Color, amount: f32) -> Color {
    let k = amount.clamp(0.0, 1.0);
    Color::from_rgba(
        c.r + (1.0 - c.r) * k,
        c.g + (1.0 - c.g) * k,
        c.b + (1.0 - c.b) * k,
        c.a,
    )
}

/// Style of a lit/unlit toggle button whose lit colour is `on_color` (mute, solo, polarity,
/// EQ/compressor on, pre/post): unlit buttons stay dark so a strip's state reads at a glance.
pub fn toggle_button(
    on: bool,
    on_color: Color,
) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_theme, status| {
        let (base, text) = if on {
            (on_color, BACKGROUND)
        } else {
            (color!(0x33373f), TEXT_DIM)
        };
        let background = match status {
            button::Status::Hovered => lighten(base, 0.12),
            button::Status::Pressed => darken(base, 0.2),
            button::Status::Disabled => fade(base, 0.4),
            button::Status::Active => base,
        };
        button::Style {
            background: Some(Background::Color(background)),
            text_color: if status == button::Status::Disabled {
                fade(text, 0.5)
            } else {
                text
            },
            border: Border {
                color: if on { darken(on_color, 0.3) } else { BORDER },
                width: 1.0,
                radius: 3.0.into(),
            },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

/// Mute button: yellow when lit.
pub fn mute_button(on: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    toggle_button(on, MUTE)
}

/// Solo button: green when lit.
pub fn solo_button(on: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    toggle_button(on, SOLO)
}

/// Polarity-invert button: violet when lit.
pub fn polarity_button(on: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    toggle_button(on, POLARITY)
}

/// A plain action button (Open, Save, Locate…) that sits quietly on dark panels.
pub fn action_button(_theme: &Theme, status: button::Status) -> button::Style {
    let mut style = toggle_button(false, ACCENT)(_theme, status);
    style.text_color = match status {
        button::Status::Disabled => fade(TEXT, 0.4),
        _ => TEXT,
    };
    style
}

/// A channel strip: its own background with a track-coloured top edge is drawn by the strip, so
/// this only gives the panel and a border (highlighted when `selected`).
pub fn strip(selected: bool) -> impl Fn(&Theme) -> container::Style {
    move |_theme| container::Style {
        text_color: Some(TEXT),
        background: Some(Background::Color(STRIP_BG)),
        border: Border {
            color: if selected { ACCENT } else { BORDER },
            width: if selected { 2.0 } else { 1.0 },
            radius: 4.0.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// A strip's name: highlighted when the strip is selected. (Strips themselves have no
/// background: with the software renderer, a strip-sized quad would be repainted with every
/// meter frame.)
pub fn strip_name(selected: bool) -> impl Fn(&Theme, button::Status) -> button::Style {
    move |_theme, status| button::Style {
        background: match (selected, status) {
            (true, _) => Some(Background::Color(fade(ACCENT, 0.28))),
            (false, button::Status::Hovered) => Some(Background::Color(fade(TEXT, 0.06))),
            _ => None,
        },
        text_color: TEXT,
        border: Border {
            color: if selected { ACCENT } else { Color::TRANSPARENT },
            width: if selected { 1.0 } else { 0.0 },
            radius: 3.0.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// The frame of a strip: the selected one (the same strip the timeline's lane header
/// highlights) gets a faint background and an accent outline; the others none.
pub fn strip_frame(selected: bool) -> impl Fn(&Theme) -> container::Style {
    move |_theme| {
        if selected {
            container::Style {
                background: Some(Background::Color(fade(ACCENT, 0.06))),
                border: Border {
                    color: fade(ACCENT, 0.55),
                    width: 1.0,
                    radius: 4.0.into(),
                },
                ..container::Style::default()
            }
        } else {
            container::Style::default()
        }
    }
}

/// A 1-pixel line between strips.
pub fn separator(_theme: &Theme) -> container::Style {
    container::Style {
        background: Some(Background::Color(BORDER)),
        ..container::Style::default()
    }
}

/// A thin bar in the track's colour, e.g. above a strip's name or beside a lane's header.
pub fn color_bar(c: Color) -> impl Fn(&Theme) -> container::Style {
    move |_theme| container::Style {
        background: Some(Background::Color(c)),
        border: Border {
            radius: 2.0.into(),
            ..Border::default()
        },
        ..container::Style::default()
    }
}

/// Side panels, the transport bar and lane headers.
pub fn panel(_theme: &Theme) -> container::Style {
    container::Style {
        text_color: Some(TEXT),
        background: Some(Background::Color(PANEL_BG)),
        border: Border {
            color: BORDER,
            width: 1.0,
            radius: 0.0.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// A dialog card (bounce, prompts, help): strip background with an accent border. No shadow:
/// the software renderer draws shadows outside the region it repaints, which leaves dark smears.
pub fn card(_theme: &Theme) -> container::Style {
    container::Style {
        text_color: Some(TEXT),
        background: Some(STRIP_BG.into()),
        border: Border {
            color: ACCENT,
            width: 1.0,
            radius: 6.0.into(),
        },
        shadow: Shadow::default(),
        snap: true,
    }
}

/// Non-modal error and warning messages.
pub fn notice(danger: bool) -> impl Fn(&Theme) -> container::Style {
    move |_theme| {
        let c = if danger { DANGER } else { WARNING };
        container::Style {
            text_color: Some(TEXT),
            background: Some(Background::Color(darken(c, 0.65))),
            border: Border {
                color: c,
                width: 1.0,
                radius: 4.0.into(),
            },
            shadow: Shadow::default(),
            snap: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn theme_is_dark_and_track_colours_convert() {
        assert!(iced::theme::palette::is_dark(theme().palette().background));
        let c = track_color(project::Color::rgb(255, 0, 128));
        assert_eq!(c.into_rgba8(), [255, 0, 128, 255]);
    }
}

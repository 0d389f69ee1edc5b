//! A page showing one of each widget with made-up values, for looking at them (the widget tests
//! render it to a PNG and compare it with the golden image). It is also a worked example of
//! wiring the widgets' messages into an app's state. Test support: not part of the library.
#![allow(dead_code)] // each test binary uses a different subset

use iced::widget::{button, column, container, row, space, text};
use iced::{Element, Fill};
use stemmix::engine::ChannelMeter;
use stemmix::project::{self, CompressorSettings};
use stemmix::ui::curves::{self, COMPRESSOR_POINTS};
use stemmix::ui::theme;
use stemmix::ui::widgets::{curve, fader, format, knob, meter, timeline};

/// Frames per overview bin of the gallery's made-up waveform.
const FRAMES_PER_BIN: f64 = 512.0;
/// Sample rate of the gallery's made-up audio.
const RATE: u32 = 48_000;

/// The values the gallery shows.
#[derive(Debug, Clone)]
pub struct Gallery {
    /// Fader level in dB.
    pub gain_db: f32,
    /// Pan, −1…+1.
    pub pan: f32,
    /// Reverb send in dB.
    pub send_db: f32,
    /// An EQ band's frequency.
    pub freq_hz: f32,
    /// Compressor threshold.
    pub threshold_db: f32,
    /// Compressor ratio.
    pub ratio: f32,
    /// Whether the clip light is latched.
    pub clipped: bool,
    /// Mute, solo and polarity buttons.
    pub mute: bool,
    /// Solo button.
    pub solo: bool,
    /// Polarity button.
    pub polarity: bool,
    /// The timeline view.
    pub view: timeline::TimeView,
    /// Playhead frame.
    pub playhead: u64,
    /// Loop region frames.
    pub loop_region: Option<(u64, u64)>,
    /// Completed gestures (what an app would record as undo steps).
    pub gestures: usize,
    bins: Vec<[f32; 2]>,
    eq_db: Vec<f32>,
    /// The compressor curve for `threshold_db` and `ratio` (knee 6 dB).
    comp_db: Vec<f32>,
    comp_threshold_db: f32,
}

/// What the gallery's widgets send.
#[derive(Debug, Clone, PartialEq)]
pub enum GalleryMessage {
    /// Fader moved.
    Gain(f32),
    /// Pan moved.
    Pan(f32),
    /// Send moved.
    Send(f32),
    /// Frequency moved.
    Freq(f32),
    /// Threshold moved.
    Threshold(f32),
    /// Ratio moved.
    Ratio(f32),
    /// A gesture ended.
    Released,
    /// The clip light was clicked.
    ClearClip,
    /// The fader's value box was clicked.
    ValueClicked,
    /// Mute toggled.
    Mute,
    /// Solo toggled.
    Solo,
    /// Polarity toggled.
    Polarity,
    /// Seek.
    Seek(u64),
    /// Loop region dragged.
    Loop(u64, u64),
    /// Scrolled or zoomed.
    View(timeline::TimeView),
}

impl Default for Gallery {
    fn default() -> Self {
        Gallery::new()
    }
}

impl Gallery {
    /// The gallery's starting values, with a synthetic waveform (a few decaying notes).
    pub fn new() -> Gallery {
        let bins = (0..1200)
            .map(|i| {
                let t = i as f32 * FRAMES_PER_BIN as f32 / RATE as f32;
                let beat = (t * 2.0).fract();
                let env = (-beat * 5.0).exp() * (0.55 + 0.35 * (t * 0.4).sin().abs());
                let wobble = 0.85 + 0.15 * (i as f32 * 0.37).sin();
                [-env * wobble, env * (2.0 - wobble) * 0.9]
            })
            .collect();
        let eq_db = (0..61)
            .map(|i| {
                // A made-up curve: low cut, a presence bump and a high shelf.
                let f = curve::eq_frequency(i, 61);
                let low = -12.0 / (1.0 + (f / 60.0).powi(2));
                let bump = 4.0 * (-((f / 3000.0).ln()).powi(2) * 2.0).exp();
                let shelf = 3.0 / (1.0 + (8000.0 / f).powi(2));
                low + bump + shelf
            })
            .collect();
        let mut g = Gallery {
            gain_db: -4.5,
            pan: -0.3,
            send_db: -18.0,
            freq_hz: 2500.0,
            threshold_db: -18.0,
            ratio: 4.0,
            clipped: true,
            mute: false,
            solo: true,
            polarity: false,
            view: timeline::TimeView::new(0.0, 1024.0),
            playhead: 5 * u64::from(RATE),
            loop_region: Some((2 * u64::from(RATE), 4 * u64::from(RATE))),
            gestures: 0,
            bins,
            eq_db,
            comp_db: Vec::new(),
            comp_threshold_db: 0.0,
        };
        g.compressor_changed();
        g
    }

    /// Recomputes the compressor curve (as the app does, with the DSP's static curve).
    fn compressor_changed(&mut self) {
        let c = CompressorSettings {
            threshold_db: self.threshold_db,
            ratio: self.ratio,
            knee_db: 6.0,
            ..CompressorSettings::default()
        };
        self.comp_db = curves::compressor_db(&c, COMPRESSOR_POINTS);
        self.comp_threshold_db = curves::compressor_threshold_db(&c);
    }

    /// The made-up meter readings the gallery shows.
    fn meter_levels(&self) -> ChannelMeter {
        let mut m = ChannelMeter::default();
        m.peak_db = [-3.5, -6.0];
        m.rms_db = [-11.0, -14.0];
        m.hold_db = [-1.2, -4.0];
        m.clip = self.clipped;
        m
    }

    /// Applies a message, as an app would.
    pub fn update(&mut self, message: GalleryMessage) {
        match message {
            GalleryMessage::Gain(v) => self.gain_db = v,
            GalleryMessage::Pan(v) => self.pan = v,
            GalleryMessage::Send(v) => self.send_db = v,
            GalleryMessage::Freq(v) => self.freq_hz = v,
            GalleryMessage::Threshold(v) => {
                self.threshold_db = v;
                self.compressor_changed();
            }
            GalleryMessage::Ratio(v) => {
                self.ratio = v;
                self.compressor_changed();
            }
            GalleryMessage::Released => self.gestures += 1,
            GalleryMessage::ClearClip => self.clipped = false,
            GalleryMessage::ValueClicked => {}
            GalleryMessage::Mute => self.mute = !self.mute,
            GalleryMessage::Solo => self.solo = !self.solo,
            GalleryMessage::Polarity => self.polarity = !self.polarity,
            GalleryMessage::Seek(f) => self.playhead = f,
            GalleryMessage::Loop(a, b) => self.loop_region = Some((a, b)),
            GalleryMessage::View(v) => self.view = v,
        }
    }
}

/// One of each widget, laid out like a small mixer window.
pub fn gallery_view(g: &Gallery) -> Element<'_, GalleryMessage> {
    use GalleryMessage as M;
    let blue = theme::track_color(project::Color::PALETTE[0]);
    let orange = theme::track_color(project::Color::PALETTE[1]);

    fn timed<'a>(g: &Gallery, t: timeline::Timeline<'a, M>) -> timeline::Timeline<'a, M> {
        t.playhead(Some(g.playhead))
            .loop_region(g.loop_region, true)
            .on_seek(M::Seek)
            .on_loop(M::Loop)
            .on_view(M::View)
            .on_release(M::Released)
    }
    let header = |name: &'static str, c| {
        container(
            row![
                container(space())
                    .width(4)
                    .height(Fill)
                    .style(theme::color_bar(c)),
                text(name).size(13),
            ]
            .spacing(8),
        )
        .width(120)
        .height(64)
        .padding(6)
        .style(theme::panel)
    };
    let timeline = column![
        row![
            container(text(""))
                .width(120)
                .height(22)
                .style(theme::panel),
            timed(g, timeline::ruler(g.view, RATE)),
        ],
        row![
            header("Drums", blue),
            timed(
                g,
                timeline::lane(g.view, &g.bins, FRAMES_PER_BIN).color(blue)
            ),
        ],
        row![
            header("Vocals", orange),
            timed(g, timeline::offline_lane(g.view, "vocals.wav not found")),
        ],
    ]
    .spacing(1);

    let strip = container(
        column![
            container(space())
                .width(Fill)
                .height(4)
                .style(theme::color_bar(blue)),
            text("Drums").size(13),
            row![
                curve::eq_curve(&g.eq_db).color(blue),
                curve::compressor_curve(&g.comp_db, g.comp_threshold_db).color(blue),
            ]
            .spacing(4),
            row![
                knob::knob(
                    knob::Mapping::Db {
                        min: -48.0,
                        max: 6.0
                    },
                    g.send_db,
                    M::Send
                )
                .default(f32::NEG_INFINITY)
                .format(format::db)
                .on_release(M::Released),
                knob::pan_knob(g.pan, M::Pan).on_release(M::Released),
            ],
            row![
                fader::fader(g.gain_db, M::Gain)
                    .color(blue)
                    .on_release(M::Released)
                    .on_value_click(M::ValueClicked),
                meter::meter(&g.meter_levels())
                    .on_clip_click(M::ClearClip)
                    .scale(true),
                meter::gain_reduction_meter(-4.5),
            ]
            .spacing(4)
            .height(300),
            row![
                button(text("M").size(12))
                    .on_press(M::Mute)
                    .style(theme::mute_button(g.mute)),
                button(text("S").size(12))
                    .on_press(M::Solo)
                    .style(theme::solo_button(g.solo)),
                button(text("Ø").size(12))
                    .on_press(M::Polarity)
                    .style(theme::polarity_button(g.polarity)),
            ]
            .spacing(4),
        ]
        .spacing(6)
        .padding(6),
    )
    .width(160)
    .style(theme::strip(true));

    let editor = container(
        column![
            text("Strip editor").size(13),
            row![
                knob::knob(
                    knob::Mapping::Log {
                        min: 20.0,
                        max: 20_000.0
                    },
                    g.freq_hz,
                    M::Freq
                )
                .default(1000.0)
                .format(format::hz)
                .color(orange)
                .on_release(M::Released),
                knob::knob(
                    knob::Mapping::Linear {
                        min: -60.0,
                        max: 0.0
                    },
                    g.threshold_db,
                    M::Threshold
                )
                .default(-18.0)
                .format(format::db)
                .on_release(M::Released),
                knob::knob(
                    knob::Mapping::Log {
                        min: 1.0,
                        max: 20.0
                    },
                    g.ratio,
                    M::Ratio
                )
                .default(4.0)
                .format(format::ratio)
                .on_release(M::Released),
            ]
            .spacing(4),
            text("Master short-term").size(11),
            meter::loudness_bar(-12.5).target(-14.0),
            text("Master momentary").size(11),
            meter::loudness_bar(-20.0).target(-14.0),
            text(format!(
                "gain {}  pan {}  gestures {}",
                format::db(g.gain_db),
                format::pan(g.pan),
                g.gestures
            ))
            .size(11),
        ]
        .spacing(8)
        .padding(8),
    )
    .width(260)
    .style(theme::panel);

    container(column![timeline, row![strip, editor].spacing(12)].spacing(12))
        .padding(12)
        .width(Fill)
        .height(Fill)
        .style(|_| container::Style {
            background: Some(theme::BACKGROUND.into()),
            text_color: Some(theme::TEXT),
            ..container::Style::default()
        })
        .into()
}

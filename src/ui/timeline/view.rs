//! The timeline's view: the ruler with its header (fold, fit, waveform height), the marker
//! name box, the lanes with their headers, and the playhead over them all.

use super::{LANES_ID, MARKER_NAME_ID, Message, Timeline};
use crate::ui::context::{Context, LANE_HEADER_W as HEADER_W, Selection};
use crate::ui::files::StemState;
use crate::ui::theme;
use crate::ui::widgets::cache::KeyedCache;
use crate::ui::widgets::timeline::{AMPLITUDE_STEP, RULER_H};
use crate::ui::widgets::{self as w};
use iced::widget::{
    Column, button, canvas, column, container, mouse_area, row, scrollable, space, stack, text,
    text_input,
};
use iced::{Alignment, Element, Fill};

/// What every lane and the ruler draw over their content.
#[derive(Clone, Copy)]
struct Overlay<'m> {
    region: Option<(u64, u64)>,
    looping: bool,
    markers: &'m [(u64, String)],
}

/// A small button of the timeline's header.
fn header_button<'a>(label: &'a str, message: Message, id: &'a str) -> Element<'a, Message> {
    container(
        button(text(label).size(10))
            .on_press(message)
            .padding([1, 5])
            .style(theme::action_button),
    )
    .id(id.to_string())
    .into()
}

impl Timeline {
    /// The ruler and the lanes.
    pub fn view<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let project = cx.project();
        let g = cx.geometry;
        let width = cx.lanes_width();
        let tv = self.effective(cx.length_frames(), width);
        let rate = project.sample_rate;
        let position = cx.engine.position;
        let region = project.loop_region.map(|r| r.frames(rate.max(1)));
        let looping = project.loop_enabled;
        let lane_h = g.lane_h;
        let markers: Vec<(u64, String)> = project
            .markers
            .iter()
            .map(|m| {
                (
                    (m.time_s.max(0.0) * f64::from(rate.max(1))).round() as u64,
                    m.name.clone(),
                )
            })
            .collect();
        let overlay = Overlay {
            region,
            looping,
            markers: &markers,
        };

        fn wire<'a>(
            t: w::timeline::Timeline<'a, Message>,
            o: Overlay<'_>,
        ) -> w::timeline::Timeline<'a, Message> {
            t.markers(o.markers.to_vec())
                .loop_region(o.region, o.looping)
                .on_seek(Message::Seek)
                .on_loop(Message::Loop)
                .on_view(Message::View)
                .on_release(Message::LoopDone)
        }

        let folded = g.lanes_h <= 0.0 && !project.tracks.is_empty();
        let zoom_label = if self.view.is_some() { "Fit" } else { "Fitted" };
        let header = container(
            column![
                row![
                    header_button(
                        if folded { "▸" } else { "▾" },
                        Message::ToggleLanes,
                        "lanes-fold"
                    ),
                    text("TRACKS").size(10).color(theme::TEXT_DIM),
                    space::horizontal(),
                    header_button(zoom_label, Message::Fit, "timeline-fit"),
                ]
                .spacing(4)
                .align_y(Alignment::Center),
                row![
                    text("Height").size(9).color(theme::TEXT_DIM),
                    space::horizontal(),
                    header_button(
                        "−",
                        Message::Amplitude(self.amplitude / AMPLITUDE_STEP),
                        "wave-lower"
                    ),
                    text(format!("×{:.1}", self.amplitude))
                        .size(9)
                        .color(theme::TEXT_DIM),
                    header_button(
                        "+",
                        Message::Amplitude(self.amplitude * AMPLITUDE_STEP),
                        "wave-taller"
                    ),
                ]
                .spacing(3)
                .align_y(Alignment::Center),
            ]
            .spacing(1),
        )
        .padding([1, 6])
        .width(HEADER_W)
        .height(RULER_H)
        .clip(true)
        .style(theme::panel);
        let ruler = wire(w::ruler(tv, rate), overlay).on_marker(Message::Marker);
        let ruler: Element<'a, Message> = match self.renaming.and_then(|i| project.markers.get(i)) {
            Some(m) => {
                // The name box sits on the marker's flag, in the marker row.
                let x = markers
                    .get(self.renaming.unwrap_or(0))
                    .map_or(0.0, |(f, _)| tv.x_of(*f as f64))
                    .clamp(0.0, (width - 140.0).max(0.0));
                stack![
                    ruler,
                    container(w::blur_on_submit(
                        text_input("Marker", &m.name)
                            .id(MARKER_NAME_ID)
                            .on_input(Message::MarkerName)
                            .on_submit(Message::MarkerNameDone)
                            .size(11)
                            .padding([1, 4])
                            .width(140),
                    ))
                    .padding(iced::Padding {
                        left: x,
                        ..iced::Padding::ZERO
                    }),
                ]
                .into()
            }
            None => ruler.into(),
        };
        let ruler_row = row![header, ruler];

        let show_status = lane_h >= 40.0;
        let lanes = project.tracks.iter().map(|t| {
            let color = theme::track_color(t.color);
            let selected = cx.selection == Some(Selection::Track(t.id));
            let state = cx.stems.state(&t.source);
            let status: Element<'a, Message> = match state {
                Some(StemState::Loading(f)) => text(format!("decoding {:.0}%", f * 100.0))
                    .size(10)
                    .color(theme::TEXT_DIM)
                    .into(),
                Some(StemState::Offline(_)) => {
                    text("offline").size(10).color(theme::WARNING).into()
                }
                Some(StemState::Ready(s)) => text(format!(
                    "{} · {}",
                    if s.channels.len() == 1 {
                        "mono"
                    } else {
                        "stereo"
                    },
                    w::format::time(s.frames as f64 / f64::from(rate.max(1)), false)
                ))
                .size(10)
                .color(theme::TEXT_DIM)
                .into(),
                None => text("").size(10).into(),
            };
            let mut flags = String::new();
            if t.mute {
                flags.push_str("M ");
            }
            if t.solo {
                flags.push('S');
            }
            let name = text(t.name.as_str())
                .size(if show_status { 13 } else { 12 })
                .wrapping(iced::widget::text::Wrapping::None);
            let info: Element<'a, Message> = if show_status {
                column![
                    name,
                    row![
                        status,
                        space::horizontal(),
                        text(flags).size(10).color(theme::MUTE)
                    ],
                ]
                .spacing(2)
                .into()
            } else {
                row![
                    name,
                    space::horizontal(),
                    text(flags).size(10).color(theme::MUTE)
                ]
                .align_y(Alignment::Center)
                .into()
            };
            let header = mouse_area(
                container(
                    row![
                        container(space())
                            .width(4)
                            .height(Fill)
                            .style(theme::color_bar(color)),
                        info,
                    ]
                    .spacing(8),
                )
                .padding(if show_status { 6 } else { 3 })
                .width(HEADER_W)
                .height(lane_h)
                .clip(true)
                .style(move |th| {
                    let mut s = theme::panel(th);
                    if selected {
                        s.background = Some(theme::lighten(theme::PANEL_BG, 0.06).into());
                        s.border.color = theme::ACCENT;
                    }
                    s
                }),
            )
            .on_press(Message::Select(t.id));
            let lane_color = if t.mute {
                theme::fade(color, 0.35)
            } else {
                color
            };
            let lane: w::timeline::Timeline<'a, Message> = match state {
                Some(StemState::Ready(s)) => {
                    let level = s.overview.level_for(tv.frames_per_px);
                    wire(
                        w::lane(
                            tv,
                            s.overview.bins(level),
                            s.overview.frames_per_bin(level) as f64,
                        )
                        .color(lane_color)
                        .amplitude(self.amplitude)
                        .on_amplitude(Message::Amplitude),
                        overlay,
                    )
                }
                Some(StemState::Offline(reason)) => {
                    wire(w::offline_lane(tv, reason.as_str()), overlay)
                }
                _ => wire(w::lane::<Message, [f32; 2]>(tv, &[], 1.0), overlay),
            };
            let lane = lane.height(lane_h).on_press(Message::Select(t.id));
            // The selected track's lane is outlined like its strip.
            let lane = container(lane).style(move |_| {
                if selected {
                    container::Style {
                        border: iced::Border {
                            color: theme::fade(theme::ACCENT, 0.55),
                            width: 1.0,
                            radius: 0.0.into(),
                        },
                        ..container::Style::default()
                    }
                } else {
                    container::Style::default()
                }
            });
            container(row![header, lane])
                .id(format!("lane-{}", t.id.0))
                .into()
        });
        let lanes = Column::with_children(lanes).spacing(1);
        let mut body = column![ruler_row].spacing(1);
        if project.tracks.is_empty() {
            body = body.push(
                container(
                    text(
                        "No tracks yet: add stems (Ctrl+I), add a folder, or drop audio files \
                         on the window.",
                    )
                    .size(13)
                    .color(theme::TEXT_DIM),
                )
                .padding([6, 20])
                .width(Fill),
            );
        } else if g.lanes_h > 0.0 {
            body = body.push(if g.lanes_scroll {
                Element::from(
                    scrollable(lanes)
                        .id(LANES_ID)
                        .on_scroll(|v| Message::Scrolled(v.absolute_offset().y))
                        .height(g.lanes_h),
                )
            } else {
                // No scrollable (a clipped layer) when the lanes fit: cheaper to repaint.
                container(lanes).height(g.lanes_h).clip(true).into()
            });
        }
        let lane_x = tv.x_of(position as f64);
        let playhead = (0.0..=width).contains(&lane_x).then_some(HEADER_W + lane_x);
        // One playhead drawn over the ruler and all lanes: the software renderer pays per shape
        // crossing a repainted region, and this way the moving column crosses one shape per lane
        // (its cached waveform) plus this one, not two per lane.
        container(
            stack![
                body,
                canvas(PlayheadOverlay {
                    x: playhead,
                    moving: cx.engine.playing,
                })
                .width(Fill)
                .height(Fill),
            ]
            // Clipped, the overlay's layer covers the timeline only; unclipped it would span the
            // window and every region repainted anywhere (meters, clock) would pass through it.
            .clip(true)
            .width(Fill),
        )
        .padding([6, 12])
        .width(Fill)
        .into()
    }
}

/// The playhead line over the ruler and the lanes.
struct PlayheadOverlay {
    /// x from the left of the timeline (lane headers included), if visible.
    x: Option<f32>,
    /// Whether the transport runs (the line moves on most frames).
    moving: bool,
}

impl PlayheadOverlay {
    fn paint(f: &mut canvas::Frame, x: f32, h: f32) {
        // The renderer repaints what moved from the bounds of its shapes, with no room for
        // anti-aliasing: an invisible margin makes the old line go away cleanly.
        f.fill_rectangle(
            iced::Point::new(x - 7.0, 0.0),
            iced::Size::new(14.0, h),
            iced::Color::TRANSPARENT,
        );
        f.fill_rectangle(
            iced::Point::new(x - 0.75, 0.0),
            iced::Size::new(1.5, h),
            theme::PLAYHEAD,
        );
        // A marker at the bottom of the ruler.
        f.fill(
            &canvas::Path::new(|p| {
                p.move_to(iced::Point::new(x - 5.0, RULER_H - 7.0));
                p.line_to(iced::Point::new(x + 5.0, RULER_H - 7.0));
                p.line_to(iced::Point::new(x, RULER_H));
                p.close();
            }),
            theme::PLAYHEAD,
        );
    }
}

impl canvas::Program<Message> for PlayheadOverlay {
    /// The line while it stands still.
    type State = KeyedCache<u32>;

    fn draw(
        &self,
        state: &KeyedCache<u32>,
        renderer: &iced::Renderer,
        _theme: &iced::Theme,
        bounds: iced::Rectangle,
        _cursor: iced::mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let Some(x) = self.x else {
            return Vec::new();
        };
        let h = bounds.height;
        if self.moving {
            // Drawn afresh: the software renderer repaints a fresh shape within its own bounds
            // (the 14-px column), but a changed cached layer over all of its frame.
            let mut f = canvas::Frame::new(renderer, bounds.size());
            Self::paint(&mut f, x, h);
            vec![f.into_geometry()]
        } else {
            // Cached while stopped: a redraw for something else (a text field's caret) then
            // repaints nothing here; a fresh shape would be repainted on every redraw.
            vec![state.draw(renderer, bounds.size(), x.to_bits(), |f| {
                Self::paint(f, x, h);
            })]
        }
    }
}

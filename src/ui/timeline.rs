//! The timeline: a ruler and one lane per track with its waveform overview, the playhead and
//! the loop region. Click to seek, drag to set the loop, wheel to scroll, Ctrl+wheel to zoom.

use super::action::{Action, EngineOp};
use super::context::{Context, LANE_HEADER_W as HEADER_W, Selection};
use super::edit::{Edit, Gesture};
use super::files::StemState;
use super::theme;
use super::widgets::{self as w, TimeView};
use crate::project::{Region, TrackId};
use iced::widget::{
    Column, button, canvas, column, container, mouse_area, row, scrollable, space, stack, text,
};
use iced::{Alignment, Element, Fill, Length};

/// The timeline's state: its zoom and scroll.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timeline {
    /// The view the user chose; `None` fits the whole project into the window.
    pub view: Option<TimeView>,
}

impl Timeline {
    /// The view to draw: the user's, or the whole project fitted to `width` pixels.
    pub fn effective(&self, length: u64, width: f32) -> TimeView {
        self.view.unwrap_or_else(|| {
            if length == 0 {
                TimeView::new(0.0, 48_000.0 * 30.0 / f64::from(width.max(1.0)))
            } else {
                TimeView::fit(length + length / 50, width)
            }
        })
    }

    /// While playing: pages the view on when the playhead leaves it.
    pub fn follow(&mut self, position: u64, width: f32) {
        if let Some(v) = &mut self.view {
            let x = v.x_of(position as f64);
            if x > width || x < 0.0 {
                *v = TimeView::new(
                    position as f64 - f64::from(width) * 0.05 * v.frames_per_px,
                    v.frames_per_px,
                );
            }
        }
    }

    /// Makes `position` visible.
    pub fn show(&mut self, position: u64, width: f32) {
        self.follow(position, width);
    }
}

/// What the timeline sends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Message {
    /// Move the playhead to a frame.
    Seek(u64),
    /// The loop region is being dragged: (start, end) frames.
    Loop(u64, u64),
    /// The loop drag ended.
    LoopDone,
    /// Scrolled or zoomed.
    View(TimeView),
    /// Show the whole project.
    Fit,
    /// A lane header was clicked.
    Select(TrackId),
}

impl Timeline {
    /// Handles a message.
    pub fn update(&mut self, m: Message, cx: &Context) -> Action {
        match m {
            Message::Seek(f) => return Action::Engine(EngineOp::Seek(f)),
            Message::Loop(a, b) => {
                let rate = f64::from(cx.project().sample_rate.max(1));
                let region = Region {
                    start_s: a as f64 / rate,
                    end_s: b as f64 / rate,
                };
                return Action::Edit(Edit::LoopRegion(region), Some(Gesture::Loop));
            }
            Message::LoopDone => return Action::EndGesture(Gesture::Loop),
            Message::View(v) => self.view = Some(v),
            Message::Fit => self.view = None,
            Message::Select(id) => return Action::Select(Selection::Track(id)),
        }
        Action::None
    }
}

/// What every lane and the ruler draw over their content.
#[derive(Clone, Copy)]
struct Overlay<'m> {
    region: Option<(u64, u64)>,
    looping: bool,
    markers: &'m [(u64, String)],
}

fn lane_height(tracks: usize) -> f32 {
    match tracks {
        0..=4 => 50.0,
        5..=8 => 44.0,
        _ => 36.0,
    }
}

impl Timeline {
    /// The ruler and the lanes.
    pub fn view<'a>(&self, cx: &Context<'a>) -> Element<'a, Message> {
        let project = cx.project();
        let width = cx.lanes_width();
        let tv = self.effective(cx.length_frames(), width);
        let rate = project.sample_rate;
        let position = cx.engine.position;
        let region = project.loop_region.map(|r| r.frames(rate.max(1)));
        let looping = project.loop_enabled;
        let lane_h = lane_height(project.tracks.len());
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

        let zoom_label = if self.view.is_some() { "Fit" } else { "Fitted" };
        let ruler_row = row![
            container(
                row![
                    text("TRACKS").size(10).color(theme::TEXT_DIM),
                    space::horizontal(),
                    button(text(zoom_label).size(10))
                        .on_press(Message::Fit)
                        .padding([1, 6])
                        .style(theme::action_button),
                ]
                .align_y(Alignment::Center)
            )
            .padding([2, 8])
            .width(HEADER_W)
            .height(22)
            .style(theme::panel),
            wire(w::ruler(tv, rate), overlay),
        ];

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
            let header = mouse_area(
                container(
                    row![
                        container(space())
                            .width(4)
                            .height(Fill)
                            .style(theme::color_bar(color)),
                        column![
                            text(t.name.as_str())
                                .size(13)
                                .wrapping(iced::widget::text::Wrapping::None),
                            row![
                                status,
                                space::horizontal(),
                                text(flags).size(10).color(theme::MUTE)
                            ],
                        ]
                        .spacing(2),
                    ]
                    .spacing(8),
                )
                .padding(6)
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
            let lane: Element<'a, Message> = match state {
                Some(StemState::Ready(s)) => {
                    let level = s.overview.level_for(tv.frames_per_px);
                    wire(
                        w::lane(
                            tv,
                            s.overview.bins(level),
                            s.overview.frames_per_bin(level) as f64,
                        )
                        .color(lane_color)
                        .height(lane_h),
                        overlay,
                    )
                    .into()
                }
                Some(StemState::Offline(reason)) => {
                    wire(w::offline_lane(tv, reason.as_str()).height(lane_h), overlay).into()
                }
                _ => wire(
                    w::lane::<Message, [f32; 2]>(tv, &[], 1.0).height(lane_h),
                    overlay,
                )
                .into(),
            };
            container(row![header, lane])
                .id(format!("lane-{}", t.id.0))
                .into()
        });
        let lanes = Column::with_children(lanes).spacing(1);
        let max_h = (cx.window.height * 0.34).max(lane_h + 4.0);
        let body: Element<'a, Message> = if project.tracks.is_empty() {
            container(
            text("No tracks yet: add stems (Ctrl+I), add a folder, or drop audio files on the window.")
                .size(13)
                .color(theme::TEXT_DIM),
        )
        .padding(20)
        .width(Fill)
        .into()
        } else if project.tracks.len() as f32 * (lane_h + 1.0) <= max_h {
            // No scrollable (a clipped layer) when the lanes fit: cheaper to repaint.
            lanes.into()
        } else {
            scrollable(lanes).height(Length::Shrink).into()
        };
        let lane_x = tv.x_of(position as f64);
        let playhead = (0.0..=width).contains(&lane_x).then_some(HEADER_W + lane_x);
        // One playhead drawn over the ruler and all lanes: the software renderer pays per shape
        // crossing a repainted region, and this way the moving column crosses one shape per lane
        // (its cached waveform) plus this one, not two per lane.
        container(
            stack![
                column![ruler_row, container(body).max_height(max_h)].spacing(1),
                canvas(PlayheadOverlay { x: playhead })
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
}

impl canvas::Program<Message> for PlayheadOverlay {
    type State = ();

    fn draw(
        &self,
        _state: &(),
        renderer: &iced::Renderer,
        _theme: &iced::Theme,
        bounds: iced::Rectangle,
        _cursor: iced::mouse::Cursor,
    ) -> Vec<canvas::Geometry> {
        let Some(x) = self.x else {
            return Vec::new();
        };
        let mut f = canvas::Frame::new(renderer, bounds.size());
        let h = bounds.height;
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
        // A marker at the bottom of the ruler (22 px high).
        f.fill(
            &canvas::Path::new(|p| {
                p.move_to(iced::Point::new(x - 5.0, 15.0));
                p.line_to(iced::Point::new(x + 5.0, 15.0));
                p.line_to(iced::Point::new(x, 22.0));
                p.close();
            }),
            theme::PLAYHEAD,
        );
        vec![f.into_geometry()]
    }
}

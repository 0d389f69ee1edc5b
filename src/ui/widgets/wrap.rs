//! Small behaviours added around another widget, without changing its look:
//! - [`wheel_sideways`]: a plain (vertical) wheel turn that nothing inside used scrolls a
//!   horizontal scrollable sideways, so the mixer's scroll bar answers an ordinary mouse wheel;
//! - [`blur_on_submit`]: a text field gives up the keyboard focus when Enter is pressed in it
//!   (Escape already does), so the next key press is a shortcut again.

use iced::advanced::layout::{self, Layout};
use iced::advanced::widget::{Operation, Tree, Widget, operation, tree};
use iced::advanced::{Clipboard, Shell, overlay, renderer};
use iced::keyboard::{self, key::Named};
use iced::mouse::{self, ScrollDelta};
use iced::{Element, Event, Length, Rectangle, Renderer, Size, Theme, Vector};
use std::time::{Duration, Instant};

/// How long after a sideways scroll further notches keep scrolling (iced's scrollable waits
/// as long before it lets its content have the wheel again).
const SCROLL_TRANSACTION: Duration = Duration::from_millis(1500);
/// Moving the pointer this long after a scroll ends it.
const MOVE_ENDS_SCROLL: Duration = Duration::from_millis(100);

/// The wrapper's state in the widget tree.
#[derive(Default)]
struct State {
    /// When the last wheel turn was turned into a sideways scroll.
    scrolling_since: Option<Instant>,
}

/// A plain vertical wheel turn as the same turn sideways (down = right, like Shift+wheel).
fn sideways(event: &Event) -> Option<Event> {
    let Event::Mouse(mouse::Event::WheelScrolled { delta }) = event else {
        return None;
    };
    let delta = match *delta {
        ScrollDelta::Lines { x, y } if x == 0.0 && y != 0.0 => ScrollDelta::Lines { x: y, y: 0.0 },
        ScrollDelta::Pixels { x, y } if x == 0.0 && y != 0.0 => {
            ScrollDelta::Pixels { x: y, y: 0.0 }
        }
        _ => return None,
    };
    Some(Event::Mouse(mouse::Event::WheelScrolled { delta }))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behaviour {
    WheelSideways,
    BlurOnSubmit,
}

/// See the module documentation.
pub struct Wrap<'a, Message> {
    content: Element<'a, Message>,
    behaviour: Behaviour,
    /// Height of the scroll bar along the bottom, where a wheel turn always scrolls.
    bar_h: f32,
}

/// `content` (a horizontal scrollable, or something holding one), scrolled sideways by plain
/// wheel turns that its children did not use.
pub fn wheel_sideways<'a, Message>(content: impl Into<Element<'a, Message>>) -> Wrap<'a, Message> {
    Wrap {
        content: content.into(),
        behaviour: Behaviour::WheelSideways,
        bar_h: 0.0,
    }
}

/// `content` (a text field), unfocused after Enter.
pub fn blur_on_submit<'a, Message>(content: impl Into<Element<'a, Message>>) -> Wrap<'a, Message> {
    Wrap {
        content: content.into(),
        behaviour: Behaviour::BlurOnSubmit,
        bar_h: 0.0,
    }
}

impl<Message> Wrap<'_, Message> {
    /// The scroll bar's height along the bottom of a [`wheel_sideways`] area: there, a wheel
    /// turn scrolls at once, without first being offered to the content (which may take it
    /// without scrolling: iced's scrollable reports its first viewport on the first turn).
    pub fn bar_height(mut self, height: f32) -> Self {
        self.bar_h = height;
        self
    }
}

impl<Message> Widget<Message, Theme, Renderer> for Wrap<'_, Message> {
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<State>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(State::default())
    }

    fn children(&self) -> Vec<Tree> {
        vec![Tree::new(&self.content)]
    }

    fn diff(&self, tree: &mut Tree) {
        tree.diff_children(std::slice::from_ref(&self.content));
    }

    fn size(&self) -> Size<Length> {
        self.content.as_widget().size()
    }

    fn size_hint(&self) -> Size<Length> {
        self.content.as_widget().size_hint()
    }

    fn layout(
        &mut self,
        tree: &mut Tree,
        renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        self.content
            .as_widget_mut()
            .layout(&mut tree.children[0], renderer, limits)
    }

    fn operate(
        &mut self,
        tree: &mut Tree,
        layout: Layout<'_>,
        renderer: &Renderer,
        operation: &mut dyn Operation,
    ) {
        self.content
            .as_widget_mut()
            .operate(&mut tree.children[0], layout, renderer, operation);
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        renderer: &Renderer,
        clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        viewport: &Rectangle,
    ) {
        let (state, content) = match tree.children.as_mut_slice() {
            [content] => (tree.state.downcast_mut::<State>(), content),
            _ => return,
        };
        let widget = self.content.as_widget_mut();
        let mut forward = |event: &Event, shell: &mut Shell<'_, Message>| {
            widget.update(
                content, event, layout, cursor, renderer, clipboard, shell, viewport,
            );
        };
        match self.behaviour {
            Behaviour::WheelSideways => {
                let sideways = sideways(event).filter(|_| cursor.is_over(layout.bounds()));
                match event {
                    Event::Mouse(
                        mouse::Event::ButtonPressed(_)
                        | mouse::Event::ButtonReleased(_)
                        | mouse::Event::CursorLeft,
                    ) => state.scrolling_since = None,
                    Event::Mouse(mouse::Event::CursorMoved { .. })
                        if state
                            .scrolling_since
                            .is_some_and(|t| t.elapsed() > MOVE_ENDS_SCROLL) =>
                    {
                        state.scrolling_since = None;
                    }
                    _ => {}
                }
                let Some(sideways) = sideways else {
                    return forward(event, shell);
                };
                // While a sideways scroll is going on, further notches keep scrolling (as the
                // scrollable itself does): they do not reach the controls inside meanwhile.
                let in_scroll = state
                    .scrolling_since
                    .is_some_and(|t| t.elapsed() < SCROLL_TRANSACTION);
                let b = layout.bounds();
                let over_bar = cursor
                    .position()
                    .is_some_and(|p| p.y >= b.y + b.height - self.bar_h);
                if !in_scroll && !over_bar {
                    forward(event, shell);
                    if shell.is_event_captured() {
                        return;
                    }
                }
                forward(&sideways, shell);
                state.scrolling_since = Some(Instant::now());
            }
            Behaviour::BlurOnSubmit => {
                forward(event, shell);
                if let Event::Keyboard(keyboard::Event::KeyPressed {
                    key: keyboard::Key::Named(Named::Enter),
                    ..
                }) = event
                    && shell.is_event_captured()
                {
                    // The field used the Enter (it was focused and submitted): let go of the
                    // focus.
                    widget.operate(
                        content,
                        layout,
                        renderer,
                        &mut operation::focusable::unfocus::<()>(),
                    );
                    shell.request_redraw();
                }
            }
        }
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
        renderer: &Renderer,
    ) -> mouse::Interaction {
        self.content.as_widget().mouse_interaction(
            &tree.children[0],
            layout,
            cursor,
            viewport,
            renderer,
        )
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        style: &renderer::Style,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        viewport: &Rectangle,
    ) {
        self.content.as_widget().draw(
            &tree.children[0],
            renderer,
            theme,
            style,
            layout,
            cursor,
            viewport,
        );
    }

    fn overlay<'b>(
        &'b mut self,
        tree: &'b mut Tree,
        layout: Layout<'b>,
        renderer: &Renderer,
        viewport: &Rectangle,
        translation: Vector,
    ) -> Option<overlay::Element<'b, Message, Theme, Renderer>> {
        self.content.as_widget_mut().overlay(
            &mut tree.children[0],
            layout,
            renderer,
            viewport,
            translation,
        )
    }
}

impl<'a, Message: 'a> From<Wrap<'a, Message>> for Element<'a, Message> {
    fn from(w: Wrap<'a, Message>) -> Self {
        Element::new(w)
    }
}

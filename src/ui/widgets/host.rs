//! Puts a drawn control into the widget tree.
//!
//! This is iced's `Canvas` with one difference that matters for undo: a control gets the
//! [`Shell`] and so may publish several messages for one event (a wheel notch is a value change
//! *and* the end of its gesture). State lives in the widget tree, so caches and drags survive
//! the app rebuilding its view.

use iced::advanced::graphics::geometry::Renderer as _;
use iced::advanced::layout::{self, Layout};
use iced::advanced::widget::{Tree, Widget, tree};
use iced::advanced::{Clipboard, Renderer as _, Shell, renderer};
use iced::widget::canvas::Geometry;
use iced::{Element, Event, Length, Rectangle, Renderer, Size, Theme, Vector, mouse};

/// The logic and drawing of one control; the widgets of this module implement it.
pub(crate) trait Control<Message> {
    /// Per-instance UI state kept in the widget tree (drag anchors, caches).
    type State: Default + 'static;

    /// Handles one event; publishes messages and captures the event through `shell` (a
    /// display-only control ignores events).
    fn update(
        &self,
        _state: &mut Self::State,
        _event: &Event,
        _bounds: Rectangle,
        _cursor: mouse::Cursor,
        _shell: &mut Shell<'_, Message>,
    ) {
    }

    /// Draws the control in local coordinates (the origin is the top-left of `bounds`).
    fn draw(
        &self,
        state: &Self::State,
        renderer: &Renderer,
        theme: &Theme,
        bounds: Rectangle,
    ) -> Vec<Geometry>;

    /// The cursor shape over the control (or anywhere while it is dragging).
    fn interaction(
        &self,
        _state: &Self::State,
        _bounds: Rectangle,
        _cursor: mouse::Cursor,
    ) -> mouse::Interaction {
        mouse::Interaction::default()
    }
}

/// A [`Control`] with a size, as a [`Widget`].
pub(crate) struct Host<C> {
    control: C,
    width: Length,
    height: Length,
}

impl<C> Host<C> {
    /// Wraps `control` in a widget of the given size.
    pub(crate) fn new(control: C, width: Length, height: Length) -> Self {
        Host {
            control,
            width,
            height,
        }
    }
}

/// Marks the tree state as belonging to a host of this control type.
struct Tag<T>(T);

impl<Message, C> Widget<Message, Theme, Renderer> for Host<C>
where
    C: Control<Message>,
{
    fn tag(&self) -> tree::Tag {
        tree::Tag::of::<Tag<C::State>>()
    }

    fn state(&self) -> tree::State {
        tree::State::new(C::State::default())
    }

    fn size(&self) -> Size<Length> {
        Size::new(self.width, self.height)
    }

    fn layout(
        &mut self,
        _tree: &mut Tree,
        _renderer: &Renderer,
        limits: &layout::Limits,
    ) -> layout::Node {
        layout::atomic(limits, self.width, self.height)
    }

    fn update(
        &mut self,
        tree: &mut Tree,
        event: &Event,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _renderer: &Renderer,
        _clipboard: &mut dyn Clipboard,
        shell: &mut Shell<'_, Message>,
        _viewport: &Rectangle,
    ) {
        let state = tree.state.downcast_mut::<C::State>();
        self.control
            .update(state, event, layout.bounds(), cursor, shell);
    }

    fn mouse_interaction(
        &self,
        tree: &Tree,
        layout: Layout<'_>,
        cursor: mouse::Cursor,
        _viewport: &Rectangle,
        _renderer: &Renderer,
    ) -> mouse::Interaction {
        let state = tree.state.downcast_ref::<C::State>();
        self.control.interaction(state, layout.bounds(), cursor)
    }

    fn draw(
        &self,
        tree: &Tree,
        renderer: &mut Renderer,
        theme: &Theme,
        _style: &renderer::Style,
        layout: Layout<'_>,
        _cursor: mouse::Cursor,
        _viewport: &Rectangle,
    ) {
        let bounds = layout.bounds();
        // A frame needs at least one pixel; zero-size layouts draw nothing.
        if !(bounds.width >= 1.0 && bounds.height >= 1.0) {
            return;
        }
        let state = tree.state.downcast_ref::<C::State>();
        renderer.with_translation(Vector::new(bounds.x, bounds.y), |renderer| {
            for layer in self.control.draw(state, renderer, theme, bounds) {
                renderer.draw_geometry(layer);
            }
        });
    }
}

impl<'a, Message, C> From<Host<C>> for Element<'a, Message>
where
    Message: 'a,
    C: Control<Message> + 'a,
{
    fn from(host: Host<C>) -> Self {
        Element::new(host)
    }
}

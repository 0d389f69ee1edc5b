//! Commands waiting on the control side for room in the command ring, coalesced: the latest
//! value per parameter wins, while transport and structural commands keep their order.

use super::command::{Command, GraphCommand};
use super::reference::ReferenceCommand;
use crate::project::{RefId, TrackId};
use rtrb::{Producer, PushError};
use std::collections::{HashMap, VecDeque};

/// What a coalescing command sets: a later command with the same key replaces an earlier one
/// still waiting in the local queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Key {
    Track(TrackId, u8),
    Reverb,
    MasterGain,
    Limiter,
    Seek,
    Loop,
    Source,
    StopAfter,
    Monitor,
    Reference(RefId, u8),
}

/// The coalescing key of a command; `None` for commands that are events (play, stop,
/// structural changes …), which keep their place and order.
fn key_of(cmd: &Command) -> Option<Key> {
    Some(match cmd {
        Command::Graph(GraphCommand::Track(id, p)) => Key::Track(*id, p.key()),
        Command::Graph(GraphCommand::Reverb(_)) => Key::Reverb,
        Command::Graph(GraphCommand::MasterGainDb(_)) => Key::MasterGain,
        Command::Graph(GraphCommand::Limiter(_)) => Key::Limiter,
        Command::Seek(_) => Key::Seek,
        Command::SetLoop { .. } => Key::Loop,
        Command::SelectSource(_) => Key::Source,
        Command::StopAfter(_) => Key::StopAfter,
        Command::Monitor(_) => Key::Monitor,
        Command::Reference(ReferenceCommand::Gain(id, _)) => Key::Reference(*id, 0),
        Command::Reference(ReferenceCommand::Mode(id, _)) => Key::Reference(*id, 1),
        Command::Reference(ReferenceCommand::Loop { id, .. }) => Key::Reference(*id, 2),
        Command::Reference(ReferenceCommand::SeekFree(id, _)) => Key::Reference(*id, 3),
        _ => return None,
    })
}

/// Commands waiting for room in the ring.
///
/// Coalescing only looks back to the last non-coalescing command: a gain sent after a Stop must
/// not overwrite (and so move before the Stop) a gain sent before it. Between two such
/// barriers, commands with different keys commute (they set different things), so replacing a
/// value in place gives the same final state as sending every value in order.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) queue: VecDeque<Command>,
    /// Absolute index of the queued command with this key (since the last barrier).
    keys: HashMap<Key, u64>,
    /// Absolute index of `queue[0]`.
    front: u64,
    pub(super) coalesced: u64,
}

impl Pending {
    pub(super) fn push(&mut self, cmd: Command) {
        match key_of(&cmd) {
            Some(k) => {
                let end = self.front + self.queue.len() as u64;
                match self.keys.get(&k) {
                    Some(&i) if i >= self.front && i < end => {
                        self.queue[(i - self.front) as usize] = cmd;
                        self.coalesced += 1;
                    }
                    _ => {
                        self.keys.insert(k, end);
                        self.queue.push_back(cmd);
                    }
                }
            }
            None => {
                self.keys.clear();
                self.queue.push_back(cmd);
            }
        }
    }

    pub(super) fn flush(&mut self, ring: &mut Producer<Command>) {
        while let Some(cmd) = self.queue.pop_front() {
            match ring.push(cmd) {
                Ok(()) => self.front += 1,
                Err(PushError::Full(cmd)) => {
                    self.queue.push_front(cmd);
                    return;
                }
            }
        }
        self.keys.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::command::TrackParam;
    use rtrb::RingBuffer;

    fn gain(id: u64, v: f32) -> Command {
        Command::Graph(GraphCommand::Track(TrackId(id), TrackParam::GainDb(v)))
    }

    fn value(c: &Command) -> String {
        format!("{c:?}")
    }

    #[test]
    fn pending_coalesces_per_key_between_barriers() {
        let mut p = Pending::default();
        p.push(gain(1, 1.0));
        p.push(gain(2, 1.0));
        p.push(gain(1, 2.0));
        p.push(Command::Stop);
        p.push(gain(1, 3.0));
        p.push(gain(1, 4.0));
        let q: Vec<String> = p.queue.iter().map(value).collect();
        assert_eq!(
            q,
            vec![
                value(&gain(1, 2.0)),
                value(&gain(2, 1.0)),
                value(&Command::Stop),
                value(&gain(1, 4.0)),
            ]
        );
        assert_eq!(p.coalesced, 2);
        // Partly flushed: a key whose command already left is not overwritten any more.
        let (mut tx, mut rx) = RingBuffer::new(1);
        p.flush(&mut tx);
        assert_eq!(p.queue.len(), 3);
        p.push(gain(1, 5.0));
        p.push(gain(1, 6.0));
        assert_eq!(p.queue.len(), 3, "6.0 replaces 4.0 (after the Stop)");
        assert_eq!(value(&rx.pop().unwrap()), value(&gain(1, 2.0)));
        assert_eq!(value(p.queue.back().unwrap()), value(&gain(1, 6.0)));
    }
}

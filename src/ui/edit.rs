//! Typed edits of the project: every change the window makes is an [`Edit`], which knows how to
//! apply itself, what to call it in the undo list, and which part of the project it touches
//! ([`Scope`]), so the app can tell the engine about exactly that part.

use super::params::{Band, Param};
use crate::project::ranges::REFERENCE_TRIM_DB;
use crate::project::{
    BounceSettings, Color, Detector, Marker, MatchSettings, MonoPanLaw, Project, RefId, RefMode,
    Reference, Region, Slope, StereoPanLaw, Track, TrackId,
};
use std::path::PathBuf;

/// A continuous gesture: edits with the same gesture make one undo step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gesture {
    /// A control being dragged.
    Param(Param),
    /// The loop region being dragged.
    Loop,
    /// A track name being typed.
    Rename(TrackId),
    /// Files dropped on the window in one go.
    Drop,
    /// A marker name being typed.
    Marker(usize),
    /// A marker being dragged along the ruler.
    MarkerDrag,
    /// An EQ band's node being dragged or wheeled in the EQ editor (frequency, gain and Q
    /// together make one step).
    EqNode(TrackId, Band),
    /// Offline tracks relinked together.
    Relink,
    /// A reference's name being typed.
    RenameReference(RefId),
    /// A reference's trim being dragged.
    ReferenceTrim(RefId),
    /// Reference files dropped on the window in one go.
    DropReferences,
}

/// An on/off switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggle {
    /// Track mute.
    Mute(TrackId),
    /// Track solo.
    Solo(TrackId),
    /// Track polarity inversion.
    Polarity(TrackId),
    /// Reverb send before the fader.
    SendPre(TrackId),
    /// The whole EQ of a strip (off remembers which bands were on; the app resolves it into
    /// an [`Edit::EqBands`]).
    Eq(TrackId),
    /// One EQ band.
    Band(TrackId, Band),
    /// The compressor.
    Compressor(TrackId),
    /// Reverb return mute.
    ReverbMute,
    /// The master limiter.
    Limiter,
}

/// A choice from a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Choice {
    /// Pass-filter slope.
    Slope(TrackId, Band, Slope),
    /// Compressor detector.
    Detector(TrackId, Detector),
    /// Track colour.
    Color(TrackId, Color),
    /// Project sample rate (stems are decoded again at the new rate).
    SampleRate(u32),
    /// The pan law of mono tracks.
    MonoPanLaw(MonoPanLaw),
    /// The pan law of stereo tracks.
    StereoPanLaw(StereoPanLaw),
}

/// One change of the project.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// A continuous parameter to a value (clamped to its range).
    Param(Param, f32),
    /// Flip a switch.
    Toggle(Toggle),
    /// Pick from a list.
    Choose(Choice),
    /// Switch these bands of a track's EQ on or off (the strip's EQ button).
    EqBands(TrackId, Vec<Band>, bool),
    /// Rename a track.
    Rename(TrackId, String),
    /// Remove a track.
    RemoveTrack(TrackId),
    /// Append tracks.
    AddTracks(Vec<Track>),
    /// Point a track at another audio file.
    SetSource(TrackId, PathBuf),
    /// Set the loop region (and switch looping on).
    LoopRegion(Region),
    /// Switch looping on or off.
    Looping(bool),
    /// Add a marker (kept in time order).
    AddMarker(Marker),
    /// Rename the n-th marker.
    RenameMarker(usize, String),
    /// Move the n-th marker to a time in seconds (kept in time order).
    MoveMarker(usize, f64),
    /// Remove the n-th marker.
    RemoveMarker(usize),
    /// Remember the bounce dialog's choices with the project.
    BounceChoices(Box<BounceSettings>),
    /// Append references.
    AddReferences(Vec<Reference>),
    /// Remove a reference.
    RemoveReference(RefId),
    /// Move a reference this many places down the list (negative: up).
    MoveReference(RefId, i32),
    /// Rename a reference.
    RenameReference(RefId, String),
    /// A reference's trim in dB (clamped to its range).
    ReferenceTrim(RefId, f32),
    /// A reference's mode: Sync or Free.
    ReferenceMode(RefId, RefMode),
    /// A reference's own loop region, switched on (`None`: no region, looping off).
    ReferenceLoop(RefId, Option<Region>),
    /// Switch a reference's own loop on or off.
    ReferenceLooping(RefId, bool),
    /// Point a reference at another audio file.
    ReferencePath(RefId, PathBuf),
    /// How references are loudness-matched.
    Match(MatchSettings),
}

/// The part of the project an edit touches, which decides what the engine is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One track's strip settings.
    Strip(TrackId),
    /// The reverb and master buses.
    Buses,
    /// The loop settings.
    Loop,
    /// Nothing the engine plays (names, colours, markers).
    Unheard,
    /// The references or their matching (the reference panel tells the engine).
    References,
    /// The track list or the sample rate: the engine compares whole projects.
    Whole,
}

fn track_name(p: &Project, id: TrackId) -> &str {
    p.track(id).map_or("track", |t| t.name.as_str())
}

fn sort_markers(p: &mut Project) {
    // Stable, so markers at the same time keep their order ([`marker_index_after_move`]).
    p.markers.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
}

/// Where the `i`-th marker of `p` ends up in the list after [`Edit::MoveMarker`]`(i, time_s)`
/// (markers are kept in time order), so a drag can keep following it.
pub fn marker_index_after_move(p: &Project, i: usize, time_s: f64) -> usize {
    p.markers
        .iter()
        .enumerate()
        .filter(|&(j, m)| {
            j != i
                && match m.time_s.total_cmp(&time_s) {
                    std::cmp::Ordering::Less => true,
                    std::cmp::Ordering::Equal => j < i,
                    std::cmp::Ordering::Greater => false,
                }
        })
        .count()
}

impl Edit {
    /// What the edit touches.
    pub fn scope(&self) -> Scope {
        match self {
            Edit::Param(param, _) => match param {
                Param::Track(id, _) => Scope::Strip(*id),
                Param::Reverb(_) | Param::Master(_) => Scope::Buses,
            },
            Edit::Toggle(t) => match t {
                Toggle::Mute(id)
                | Toggle::Solo(id)
                | Toggle::Polarity(id)
                | Toggle::SendPre(id)
                | Toggle::Eq(id)
                | Toggle::Band(id, _)
                | Toggle::Compressor(id) => Scope::Strip(*id),
                Toggle::ReverbMute | Toggle::Limiter => Scope::Buses,
            },
            Edit::Choose(c) => match c {
                Choice::Slope(id, ..) | Choice::Detector(id, _) => Scope::Strip(*id),
                Choice::Color(..) => Scope::Unheard,
                // Every strip pans by it: the engine compares whole projects.
                Choice::SampleRate(_) | Choice::MonoPanLaw(_) | Choice::StereoPanLaw(_) => {
                    Scope::Whole
                }
            },
            Edit::EqBands(id, ..) => Scope::Strip(*id),
            Edit::Rename(..) => Scope::Unheard,
            Edit::RemoveTrack(_) | Edit::AddTracks(_) | Edit::SetSource(..) => Scope::Whole,
            Edit::LoopRegion(_) | Edit::Looping(_) => Scope::Loop,
            Edit::AddMarker(_)
            | Edit::RenameMarker(..)
            | Edit::MoveMarker(..)
            | Edit::RemoveMarker(_)
            | Edit::BounceChoices(_) => Scope::Unheard,
            Edit::AddReferences(_)
            | Edit::RemoveReference(_)
            | Edit::MoveReference(..)
            | Edit::RenameReference(..)
            | Edit::ReferenceTrim(..)
            | Edit::ReferenceMode(..)
            | Edit::ReferenceLoop(..)
            | Edit::ReferenceLooping(..)
            | Edit::ReferencePath(..)
            | Edit::Match(_) => Scope::References,
        }
    }

    /// Its name in the undo list ("Drums: mute", "reverb: decay"), as the project is before it.
    pub fn label(&self, p: &Project) -> String {
        let on_track = |id: TrackId, what: &str| format!("{}: {what}", track_name(p, id));
        match self {
            Edit::Param(param, _) => param.describe(p),
            Edit::Toggle(t) => match *t {
                Toggle::Mute(id) => on_track(id, "mute"),
                Toggle::Solo(id) => on_track(id, "solo"),
                Toggle::Polarity(id) => on_track(id, "polarity"),
                Toggle::SendPre(id) => on_track(id, "send pre/post"),
                Toggle::Eq(id) => on_track(id, "EQ on/off"),
                Toggle::Band(id, b) => {
                    on_track(id, &format!("{} on/off", b.label().to_lowercase()))
                }
                Toggle::Compressor(id) => on_track(id, "compressor on/off"),
                Toggle::ReverbMute => "reverb: mute".into(),
                Toggle::Limiter => "master: limiter on/off".into(),
            },
            Edit::Choose(c) => match c {
                Choice::Slope(_, b, _) => format!("{} slope", b.label().to_lowercase()),
                Choice::Detector(..) => "compressor detector".into(),
                Choice::Color(..) => "track colour".into(),
                Choice::SampleRate(_) => "sample rate".into(),
                Choice::MonoPanLaw(_) => "mono pan law".into(),
                Choice::StereoPanLaw(_) => "stereo pan law".into(),
            },
            Edit::EqBands(id, _, on) => on_track(*id, if *on { "EQ on" } else { "EQ off" }),
            Edit::Rename(..) => "rename track".into(),
            Edit::RemoveTrack(id) => {
                format!("remove {}", p.track(*id).map_or("", |t| t.name.as_str()))
            }
            Edit::AddTracks(t) if t.len() == 1 => "add a stem".into(),
            Edit::AddTracks(t) => format!("add {} stems", t.len()),
            Edit::SetSource(..) => "locate stem".into(),
            Edit::LoopRegion(_) => "loop region".into(),
            Edit::Looping(on) => if *on { "loop on" } else { "loop off" }.into(),
            Edit::AddMarker(_) => "add marker".into(),
            Edit::RenameMarker(..) => "rename marker".into(),
            Edit::MoveMarker(..) => "move marker".into(),
            Edit::RemoveMarker(_) => "remove marker".into(),
            Edit::BounceChoices(_) => "bounce settings".into(),
            Edit::AddReferences(r) if r.len() == 1 => "add a reference".into(),
            Edit::AddReferences(r) => format!("add {} references", r.len()),
            Edit::RemoveReference(id) => format!("remove reference {}", reference_name(p, *id)),
            Edit::MoveReference(..) => "reorder references".into(),
            Edit::RenameReference(..) => "rename reference".into(),
            Edit::ReferenceTrim(id, _) => format!("{}: trim", reference_name(p, *id)),
            Edit::ReferenceMode(id, _) => format!("{}: sync/free", reference_name(p, *id)),
            Edit::ReferenceLoop(id, _) => format!("{}: loop region", reference_name(p, *id)),
            Edit::ReferenceLooping(id, on) => format!(
                "{}: loop {}",
                reference_name(p, *id),
                if *on { "on" } else { "off" }
            ),
            Edit::ReferencePath(..) => "locate reference".into(),
            Edit::Match(_) => "loudness match".into(),
        }
    }

    /// Applies the edit; returns whether the project changed. Edits of things that are gone (a
    /// removed track, a marker index past the end) change nothing.
    pub fn apply(self, p: &mut Project) -> bool {
        match self {
            Edit::Param(param, v) => {
                let before = param.get(p);
                param.set(p, v) && param.get(p) != before
            }
            Edit::Toggle(t) => toggle(p, t),
            Edit::Choose(c) => choose(p, c),
            Edit::EqBands(id, bands, on) => {
                let Some(t) = p.track_mut(id) else {
                    return false;
                };
                let mut changed = false;
                for b in bands {
                    changed |= t.eq.band_values(b).0 != on;
                    t.eq.set_enabled(b, on);
                }
                changed
            }
            Edit::Rename(id, name) => p
                .track_mut(id)
                .is_some_and(|t| std::mem::replace(&mut t.name, name) != t.name),
            Edit::RemoveTrack(id) => {
                let n = p.tracks.len();
                p.tracks.retain(|t| t.id != id);
                p.tracks.len() != n
            }
            Edit::AddTracks(tracks) => {
                let any = !tracks.is_empty();
                p.tracks.extend(tracks);
                any
            }
            Edit::SetSource(id, path) => p
                .track_mut(id)
                .is_some_and(|t| std::mem::replace(&mut t.source, path) != t.source),
            Edit::LoopRegion(region) => {
                let changed = p.loop_region != Some(region) || !p.loop_enabled;
                p.loop_region = Some(region);
                p.loop_enabled = true;
                changed
            }
            Edit::Looping(on) => std::mem::replace(&mut p.loop_enabled, on) != on,
            Edit::AddMarker(m) => {
                p.markers.push(m);
                sort_markers(p);
                true
            }
            Edit::RenameMarker(i, name) => p
                .markers
                .get_mut(i)
                .is_some_and(|m| std::mem::replace(&mut m.name, name) != m.name),
            Edit::MoveMarker(i, time_s) => {
                let Some(m) = p.markers.get_mut(i) else {
                    return false;
                };
                let changed = m.time_s != time_s;
                m.time_s = time_s;
                sort_markers(p);
                changed
            }
            Edit::RemoveMarker(i) => {
                let exists = i < p.markers.len();
                if exists {
                    p.markers.remove(i);
                }
                exists
            }
            Edit::BounceChoices(b) => std::mem::replace(&mut p.bounce, *b) != p.bounce,
            e => reference_edit(p, e),
        }
    }
}

fn reference_name(p: &Project, id: RefId) -> String {
    p.reference(id)
        .map_or_else(|| "reference".into(), Reference::display_name)
}

/// Applies a reference edit (see [`Edit::apply`]).
fn reference_edit(p: &mut Project, e: Edit) -> bool {
    fn set<T: PartialEq>(slot: &mut T, v: T) -> bool {
        let changed = *slot != v;
        *slot = v;
        changed
    }
    match e {
        Edit::AddReferences(refs) => {
            let any = !refs.is_empty();
            p.references.extend(refs);
            any
        }
        Edit::RemoveReference(id) => {
            let n = p.references.len();
            p.references.retain(|r| r.id != id);
            p.references.len() != n
        }
        Edit::MoveReference(id, by) => {
            let Some(i) = p.references.iter().position(|r| r.id == id) else {
                return false;
            };
            let last = p.references.len() as i64 - 1;
            let j = (i as i64 + i64::from(by)).clamp(0, last) as usize;
            let r = p.references.remove(i);
            p.references.insert(j, r);
            i != j
        }
        Edit::RenameReference(id, name) => {
            p.reference_mut(id).is_some_and(|r| set(&mut r.name, name))
        }
        Edit::ReferenceTrim(id, db) => {
            if !db.is_finite() {
                return false;
            }
            let db = REFERENCE_TRIM_DB.clamp(db);
            p.reference_mut(id).is_some_and(|r| set(&mut r.trim_db, db))
        }
        Edit::ReferenceMode(id, m) => p.reference_mut(id).is_some_and(|r| set(&mut r.mode, m)),
        Edit::ReferenceLoop(id, region) => p.reference_mut(id).is_some_and(|r| {
            let looping = set(&mut r.loop_enabled, region.is_some());
            set(&mut r.loop_region, region) || looping
        }),
        Edit::ReferenceLooping(id, on) => p
            .reference_mut(id)
            .is_some_and(|r| set(&mut r.loop_enabled, on)),
        Edit::ReferencePath(id, path) => {
            p.reference_mut(id).is_some_and(|r| set(&mut r.path, path))
        }
        Edit::Match(m) => set(&mut p.reference_match, m),
        _ => false,
    }
}

fn toggle(p: &mut Project, t: Toggle) -> bool {
    let flip = |b: &mut bool| *b = !*b;
    let on_track =
        |p: &mut Project, id: TrackId, f: &dyn Fn(&mut Track)| p.track_mut(id).map(f).is_some();
    match t {
        Toggle::Mute(id) => on_track(p, id, &|t| flip(&mut t.mute)),
        Toggle::Solo(id) => on_track(p, id, &|t| flip(&mut t.solo)),
        Toggle::Polarity(id) => on_track(p, id, &|t| flip(&mut t.polarity_invert)),
        Toggle::SendPre(id) => on_track(p, id, &|t| flip(&mut t.reverb_send_pre_fader)),
        Toggle::Band(id, band) => on_track(p, id, &|t| {
            let on = t.eq.band_values(band).0;
            t.eq.set_enabled(band, !on);
        }),
        Toggle::Compressor(id) => on_track(p, id, &|t| flip(&mut t.compressor.enabled)),
        // Resolved by the app into `EqBands` (it remembers the bands); as an edit, nothing.
        Toggle::Eq(_) => false,
        Toggle::ReverbMute => {
            flip(&mut p.reverb.mute);
            true
        }
        Toggle::Limiter => {
            flip(&mut p.master.limiter.enabled);
            true
        }
    }
}

fn choose(p: &mut Project, c: Choice) -> bool {
    match c {
        Choice::Slope(id, band, slope) => p
            .track_mut(id)
            .and_then(|t| t.eq.pass_mut(band))
            .is_some_and(|b| std::mem::replace(&mut b.slope, slope) != slope),
        Choice::Detector(id, d) => p
            .track_mut(id)
            .is_some_and(|t| std::mem::replace(&mut t.compressor.detector, d) != d),
        Choice::Color(id, color) => p
            .track_mut(id)
            .is_some_and(|t| std::mem::replace(&mut t.color, color) != color),
        Choice::SampleRate(rate) => std::mem::replace(&mut p.sample_rate, rate) != rate,
        Choice::MonoPanLaw(law) => std::mem::replace(&mut p.pan_law.mono, law) != law,
        Choice::StereoPanLaw(law) => std::mem::replace(&mut p.pan_law.stereo, law) != law,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::params::TrackField;

    #[test]
    fn edits_report_whether_they_changed_anything() {
        let mut p = Project::default();
        p.tracks.push(Track::for_source("drums.wav".into()));
        let id = p.tracks[0].id;
        let gain = Param::Track(id, TrackField::Gain);
        assert!(Edit::Param(gain, -6.0).apply(&mut p));
        assert!(!Edit::Param(gain, -6.0).apply(&mut p), "same value");
        assert!(!Edit::Param(gain, f32::NAN).apply(&mut p), "NaN is ignored");
        assert!(Edit::Toggle(Toggle::Mute(id)).apply(&mut p));
        assert!(p.tracks[0].mute);
        assert!(!Edit::Rename(id, "drums".into()).apply(&mut p));
        assert!(Edit::Rename(id, "Kit".into()).apply(&mut p));
        assert!(!Edit::Toggle(Toggle::Mute(TrackId(u64::MAX))).apply(&mut p));
        assert!(!Edit::RemoveMarker(3).apply(&mut p));
        let region = Region {
            start_s: 1.0,
            end_s: 2.0,
        };
        assert!(Edit::LoopRegion(region).apply(&mut p));
        assert!(!Edit::LoopRegion(region).apply(&mut p));
        assert!(Edit::Looping(false).apply(&mut p));
        assert!(Edit::EqBands(id, vec![Band::Peak1], true).apply(&mut p));
        assert!(!Edit::EqBands(id, vec![Band::Peak1], true).apply(&mut p));
        assert!(Edit::RemoveTrack(id).apply(&mut p));
        assert!(p.tracks.is_empty());
    }

    #[test]
    fn markers_stay_in_time_order() {
        let mut p = Project::default();
        for (name, t) in [("b", 2.0), ("a", 1.0)] {
            let m = Marker {
                name: name.into(),
                time_s: t,
            };
            assert!(Edit::AddMarker(m).apply(&mut p));
        }
        assert_eq!(p.markers[0].name, "a");
        assert!(Edit::MoveMarker(0, 3.0).apply(&mut p));
        assert_eq!(p.markers[1].name, "a");
    }

    #[test]
    fn a_moved_marker_is_found_where_the_sort_puts_it() {
        let mut p = Project::default();
        for (i, t) in [1.0, 2.0, 2.0, 3.0, 5.0].into_iter().enumerate() {
            p.markers.push(Marker {
                name: format!("m{i}"),
                time_s: t,
            });
        }
        for i in 0..p.markers.len() {
            for t in [0.0, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 9.0] {
                let name = p.markers[i].name.clone();
                let predicted = marker_index_after_move(&p, i, t);
                let mut q = p.clone();
                Edit::MoveMarker(i, t).apply(&mut q);
                assert_eq!(q.markers[predicted].name, name, "marker {i} to {t}");
            }
        }
    }

    #[test]
    fn reference_edits_clamp_reorder_and_report_changes() {
        let mut p = Project::default();
        let refs: Vec<Reference> = ["a.wav", "b.wav", "c.wav"]
            .iter()
            .map(|n| Reference::for_path((*n).into()))
            .collect();
        let ids: Vec<RefId> = refs.iter().map(|r| r.id).collect();
        assert!(Edit::AddReferences(refs).apply(&mut p));
        assert!(
            Edit::MoveReference(ids[0], 5).apply(&mut p),
            "clamped to the end"
        );
        let order: Vec<RefId> = p.references.iter().map(|r| r.id).collect();
        assert_eq!(order, [ids[1], ids[2], ids[0]]);
        assert!(
            !Edit::MoveReference(ids[1], -1).apply(&mut p),
            "already first"
        );
        assert!(Edit::ReferenceTrim(ids[2], 99.0).apply(&mut p));
        assert_eq!(p.reference(ids[2]).unwrap().trim_db, REFERENCE_TRIM_DB.max);
        assert!(!Edit::ReferenceTrim(ids[2], f32::NAN).apply(&mut p));
        let region = Region {
            start_s: 1.0,
            end_s: 2.0,
        };
        assert!(Edit::ReferenceLoop(ids[2], Some(region)).apply(&mut p));
        assert!(
            p.reference(ids[2]).unwrap().loop_enabled,
            "a new loop is on"
        );
        assert!(!Edit::ReferenceLoop(ids[2], Some(region)).apply(&mut p));
        assert!(Edit::ReferenceLooping(ids[2], false).apply(&mut p));
        assert!(Edit::ReferenceMode(ids[2], RefMode::Sync).apply(&mut p));
        assert!(!Edit::RenameReference(ids[2], "c".into()).apply(&mut p));
        assert!(Edit::RemoveReference(ids[2]).apply(&mut p));
        assert!(!Edit::RemoveReference(ids[2]).apply(&mut p));
        let m = MatchSettings {
            enabled: false,
            loop_only: true,
        };
        assert!(Edit::Match(m).apply(&mut p));
        assert!(!Edit::Match(m).apply(&mut p));
        assert_eq!(Edit::Match(m).scope(), Scope::References);
    }

    #[test]
    fn scopes_say_what_the_engine_must_hear() {
        let id = TrackId(7);
        let gain = Param::Track(id, TrackField::Gain);
        assert_eq!(Edit::Param(gain, 0.0).scope(), Scope::Strip(id));
        assert_eq!(Edit::Toggle(Toggle::Limiter).scope(), Scope::Buses);
        assert_eq!(Edit::Rename(id, String::new()).scope(), Scope::Unheard);
        assert_eq!(
            Edit::Choose(Choice::SampleRate(44_100)).scope(),
            Scope::Whole
        );
        assert_eq!(Edit::Looping(true).scope(), Scope::Loop);
    }
}

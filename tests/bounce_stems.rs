//! Stems bounce (issue 13 item 2): one file per track, post-fader and post-pan, as long as the
//! mix and sample-aligned with it, so that the dry stems plus the reverb return — or the wet
//! stems alone — add up to the mix bounce with the master bus at unity (−90 dB or better).

mod common;
#[path = "support/synth_project.rs"]
mod synth;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use stemmix::engine::bounce::{
    self, BounceInputs, BounceOptions, BounceRange, BounceSummary, BounceTarget, StemsTarget, Tail,
};
use stemmix::media::{StemAudio, WavFormat};
use stemmix::project::{Project, TrackId};

type Stems = HashMap<TrackId, Arc<StemAudio>>;

/// Bounces `p` to `dir/mix.wav` and its stems to `dir/stems`.
fn bounce_with_stems(
    p: &Project,
    stems: &Stems,
    dir: &Path,
    wet: bool,
    opts: &BounceOptions,
) -> BounceSummary {
    let inputs = BounceInputs::of(p, None, &[]);
    let target = BounceTarget {
        mix: &dir.join("mix.wav"),
        stems: Some(StemsTarget {
            dir: &dir.join("stems"),
            wet,
        }),
        inputs: &inputs,
        overwrite: false,
    };
    bounce::bounce_to(
        p,
        &|t| stems.get(&t.id).cloned(),
        &target,
        opts,
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap()
}

/// A mix with every strip processor on, pans, pre- and post-fader sends, a polarity flip, and
/// the master bus at unity with its limiter off (the stems have no master bus).
fn mixed_project() -> (Project, Stems) {
    let (mut p, stems) = synth::project(5, 48_000);
    synth::full_chain(&mut p);
    for (i, t) in p.tracks.iter_mut().enumerate() {
        t.reverb_send_db = if i == 3 { f32::NEG_INFINITY } else { -8.0 };
        t.reverb_send_pre_fader = i == 1;
        t.name = format!("Track {i}");
    }
    p.master.limiter.enabled = false;
    p.master.gain_db = 0.0;
    (p, stems)
}

/// Largest |mix − Σ files| over both channels, in dBFS; also checks every file's length.
fn null_db(dir: &Path, summary: &BounceSummary) -> f64 {
    let (mix, rate) = common::hound_planar(&dir.join("mix.wav"));
    assert_eq!(rate, summary.sample_rate);
    assert!(common::rms(&mix[0]) > 0.01, "the mix is not silent");
    let mut sum = vec![vec![0.0f64; mix[0].len()]; 2];
    for f in &summary.stems {
        let (s, r) = common::hound_planar(&f.path);
        assert_eq!(r, rate, "{}", f.path.display());
        assert_eq!(s.len(), 2, "{} is stereo", f.path.display());
        assert_eq!(
            s[0].len(),
            mix[0].len(),
            "{} as long as the mix",
            f.path.display()
        );
        for c in 0..2 {
            for (acc, x) in sum[c].iter_mut().zip(&s[c]) {
                *acc += f64::from(*x);
            }
        }
    }
    let mut worst = 0.0f64;
    for c in 0..2 {
        for (m, s) in mix[c].iter().zip(&sum[c]) {
            worst = worst.max((f64::from(*m) - s).abs());
        }
    }
    common::db(worst)
}

fn float_opts(range: BounceRange) -> BounceOptions {
    BounceOptions {
        format: WavFormat::Float32,
        range,
        tail: Tail::Auto,
        ..BounceOptions::default()
    }
}

#[test]
fn dry_stems_and_the_reverb_return_sum_to_the_mix() {
    let dir = tempfile::tempdir().unwrap();
    let (p, stems) = mixed_project();
    let s = bounce_with_stems(&p, &stems, dir.path(), false, &float_opts(BounceRange::All));
    let names: Vec<String> = s
        .stems
        .iter()
        .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "01 Track 0.wav",
            "02 Track 1.wav",
            "03 Track 2.wav",
            "04 Track 3.wav",
            "05 Track 4.wav",
            "06 Reverb return.wav"
        ]
    );
    assert!(s.stems[5].track.is_none(), "the last file is the reverb's");
    let residual = null_db(dir.path(), &s);
    eprintln!("dry stems + return vs mix: {residual:.1} dBFS");
    assert!(residual <= -90.0, "residual {residual:.1} dBFS");
    // The reverb return is really in its own file, not in the dry stems.
    let (ret, _) = common::hound_planar(&s.stems[5].path);
    assert!(
        common::rms(&ret[0]) > 1e-3,
        "the reverb return is not silent"
    );
}

#[test]
fn wet_stems_carry_their_share_of_the_reverb_and_sum_to_the_mix() {
    let dir = tempfile::tempdir().unwrap();
    let (p, stems) = mixed_project();
    let range = BounceRange::Span {
        start_s: 0.25,
        end_s: 1.1,
    };
    let s = bounce_with_stems(&p, &stems, dir.path(), true, &float_opts(range));
    assert_eq!(s.stems.len(), 5, "no reverb file when wet");
    let residual = null_db(dir.path(), &s);
    eprintln!("wet stems vs mix: {residual:.1} dBFS");
    assert!(residual <= -90.0, "residual {residual:.1} dBFS");
    // Track 3 sends nothing: its wet stem is its dry strip output, which the dry bounce wrote.
    let dry = tempfile::tempdir().unwrap();
    let d = bounce_with_stems(&p, &stems, dry.path(), false, &float_opts(range));
    assert_eq!(
        common::hound_planar(&s.stems[3].path),
        common::hound_planar(&d.stems[3].path)
    );
    assert_ne!(
        common::hound_planar(&s.stems[0].path),
        common::hound_planar(&d.stems[0].path),
        "a track that sends has its reverb in its wet stem"
    );
}

#[test]
fn resampled_16_bit_stems_are_as_long_as_the_mix() {
    let dir = tempfile::tempdir().unwrap();
    let (p, stems) = mixed_project();
    let opts = BounceOptions {
        format: WavFormat::Int16,
        sample_rate: Some(44_100),
        range: BounceRange::All,
        tail: Tail::Seconds(0.5),
        ..BounceOptions::default()
    };
    let s = bounce_with_stems(&p, &stems, dir.path(), false, &opts);
    assert_eq!(s.sample_rate, 44_100);
    let mut r = hound::WavReader::open(dir.path().join("mix.wav")).unwrap();
    assert_eq!(r.spec().bits_per_sample, 16);
    let mix_len = r.duration();
    for f in &s.stems {
        let w = hound::WavReader::open(&f.path).unwrap();
        assert_eq!(w.spec().sample_rate, 44_100);
        assert_eq!(w.spec().bits_per_sample, 16);
        assert_eq!(w.duration(), mix_len, "{}", f.path.display());
    }
    let _ = r.samples::<i16>().count();
    // Resampling is linear and the dither is below −90 dBFS per file: the sum still nulls.
    let residual = null_db(dir.path(), &s);
    eprintln!("resampled 16-bit stems vs mix: {residual:.1} dBFS");
    assert!(residual <= -70.0, "residual {residual:.1} dBFS");
}

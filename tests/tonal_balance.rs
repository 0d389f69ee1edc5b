//! The tonal-balance table on real music: a +6 dB high shelf applied to a copy of the shared
//! reference master shows as a 6 ±0.5 dB step between the bands above the shelf and those well
//! below it, and every band difference is the shelf's analytic response weighted by the
//! reference's own spectrum.

mod common;

use stemmix::dsp::biquad::{BiquadParams, Coeffs, FilterKind, StereoBiquad};
use stemmix::dsp::loudness::analyze;
use stemmix::dsp::ltas::{band_differences, ltas_of};

#[test]
fn high_shelf_on_a_copy_of_the_reference_shows_in_the_band_table() {
    let Some(data) = common::shared_testdata() else {
        return;
    };
    let audio = stemmix::media::decode_file(&data.join("reference/reference.flac")).unwrap();
    let fs = audio.sample_rate;
    let (l, r) = (&audio.channels[0], &audio.channels[1]);
    let shelf = Coeffs::design(
        FilterKind::HighShelf,
        &BiquadParams {
            freq_hz: 1_500.0,
            q: std::f64::consts::FRAC_1_SQRT_2,
            gain_db: 6.0,
        },
        f64::from(fs),
    );
    let (mut sl, mut sr) = (l.clone(), r.clone());
    StereoBiquad::new(shelf).process_stereo(&mut sl, &mut sr);

    let mix = ltas_of(l, r, fs).unwrap();
    let reference = ltas_of(&sl, &sr, fs).unwrap();
    let mix_i = analyze(&[l, r], fs).unwrap().integrated_lufs;
    let ref_i = analyze(&[&sl, &sr], fs).unwrap().integrated_lufs;
    let diff = band_differences(&mix, mix_i, &reference, ref_i);
    eprintln!("band differences, shelved copy − original: {diff:?}");
    let d = |name: &str| diff.iter().find(|(n, _)| *n == name).unwrap().1;
    let step = (d("high") + d("air")) / 2.0 - (d("sub") + d("low")) / 2.0;
    assert!((step - 6.0).abs() <= 0.5, "step {step}: {diff:?}");

    let mut predicted = mix.clone();
    for (k, p) in predicted.power.iter_mut().enumerate() {
        let f = (k as f64 * mix.bin_hz()).max(1e-3);
        *p *= 10f64.powf(shelf.magnitude_db(f, f64::from(fs)) / 10.0);
    }
    let (m, p) = (mix.bands_db(), predicted.bands_db());
    for (i, (name, measured)) in diff.iter().enumerate() {
        let expected = (p[i] - m[i]) - (ref_i - mix_i);
        assert!(
            (measured - expected).abs() <= 0.1,
            "{name}: {measured} vs {expected}"
        );
    }
}

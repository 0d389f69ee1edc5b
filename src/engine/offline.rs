//! Offline rendering: the mix graph driven as fast as the CPU allows (bounce, analysis, tests).

use super::graph::MixGraph;

/// Renders `frames` frames of the mix starting at source frame `start`, in blocks of `block`
/// frames, with latency compensation (the first output frame is the mix at `start`).
/// `threads` > 1 spreads the channel strips over threads (bit-identical output).
pub fn render(
    graph: &mut MixGraph,
    start: u64,
    frames: usize,
    block: usize,
    threads: usize,
) -> [Vec<f32>; 2] {
    let block = block.clamp(1, graph.max_block());
    let mut out = [vec![0.0f32; frames], vec![0.0f32; frames]];
    graph.seek(start, false);
    graph.preroll();
    let [l, r] = &mut out;
    for (cl, cr) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
        graph.process_parallel(cl, cr, threads);
    }
    out
}

//! What the API's benchmarks share: timing a call as the UI makes it, and its spread.

use std::time::{Duration, Instant};

/// Median, minimum and maximum, in milliseconds.
pub fn spread(mut times: Vec<Duration>) -> (f64, f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
    )
}

/// Calls once to warm up, then `calls` times, each timed.
pub fn time(calls: usize, mut call: impl FnMut()) -> (f64, f64, f64) {
    call();
    spread(
        (0..calls)
            .map(|_| {
                let started = Instant::now();
                call();
                started.elapsed()
            })
            .collect(),
    )
}

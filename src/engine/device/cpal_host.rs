//! The cpal backend: choosing a device and a configuration, building typed streams, and
//! listing devices; alsa-lib's diagnostics are kept off stderr while probing.

use super::adapter::OutputAdapter;
use super::{
    ActiveStream, AudioHost, DeviceSample, OutputError, PullFn, ResampleStage, StreamHealth,
    StreamInfo, StreamRequest,
};
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use std::sync::Arc;

/// The cpal default host.
pub struct CpalHost;

struct CpalStream(cpal::Stream);

impl ActiveStream for CpalStream {
    fn start(&mut self) -> Result<(), OutputError> {
        self.0
            .play()
            .map_err(|e| OutputError::Backend(format!("cannot start the stream: {e}")))
    }
}

impl AudioHost for CpalHost {
    fn open(
        &mut self,
        req: &StreamRequest,
        source: &dyn Fn() -> PullFn,
        health: Arc<StreamHealth>,
    ) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
        let log = alsa_log::capture();
        let result = open_cpal(req, source, health);
        result.map_err(|e| match (e, log.and_then(alsa_log::last_line)) {
            (OutputError::NoDevice(s), Some(line)) => {
                OutputError::NoDevice(format!("{s} (ALSA: {line})"))
            }
            (OutputError::Backend(s), Some(line)) => {
                OutputError::Backend(format!("{s} (ALSA: {line})"))
            }
            (e, _) => e,
        })
    }
}

fn open_cpal(
    req: &StreamRequest,
    source: &dyn Fn() -> PullFn,
    health: Arc<StreamHealth>,
) -> Result<(Box<dyn ActiveStream>, StreamInfo), OutputError> {
    let host = cpal::default_host();
    let device = find_device(&host, req.device.as_deref())?;
    let name = device_name(&device);
    let choice = choose_config(&device, req.sample_rate)?;
    let mut notes = Vec::new();
    let mut buffer = cpal::BufferSize::Default;
    if let Some(b) = req.buffer_frames {
        match choice.buffer_range {
            cpal::SupportedBufferSize::Range { min, max } if !(min..=max).contains(&b) => {
                notes.push(format!(
                    "buffer of {b} frames refused (device allows {min}–{max}); using its default"
                ));
            }
            _ => buffer = cpal::BufferSize::Fixed(b),
        }
    }
    let resampled_from = (choice.rate != req.sample_rate).then_some(req.sample_rate);
    let make_adapter = || -> Result<OutputAdapter, OutputError> {
        let rs = match resampled_from {
            Some(from) => Some(ResampleStage::new(from, choice.rate)?),
            None => None,
        };
        Ok(OutputAdapter::new(
            source(),
            usize::from(choice.channels),
            rs,
        ))
    };
    let mut config = cpal::StreamConfig {
        channels: choice.channels,
        sample_rate: choice.rate,
        buffer_size: buffer,
    };
    let stream = match build_stream(
        &device,
        config,
        choice.format,
        make_adapter()?,
        health.clone(),
    ) {
        Ok(s) => s,
        Err(e) if buffer != cpal::BufferSize::Default => {
            // Some devices refuse a size they listed (or list none): fall back to the default.
            notes.push(format!(
                "buffer of {} frames refused ({e}); using the device default",
                req.buffer_frames.unwrap_or(0)
            ));
            config.buffer_size = cpal::BufferSize::Default;
            buffer = cpal::BufferSize::Default;
            build_stream(&device, config, choice.format, make_adapter()?, health)?
        }
        Err(e) => return Err(e),
    };
    let info = StreamInfo {
        device: name,
        sample_rate: choice.rate,
        channels: choice.channels,
        format: choice.format.to_string(),
        buffer_frames: match buffer {
            cpal::BufferSize::Fixed(b) => Some(b),
            cpal::BufferSize::Default => stream.buffer_size().ok(),
        },
        resampled_from,
        notes,
    };
    Ok((Box::new(CpalStream(stream)), info))
}

fn device_name(d: &cpal::Device) -> String {
    match d.id() {
        Ok(id) => id.id().to_string(),
        Err(_) => d
            .description()
            .map(|x| x.name().to_string())
            .unwrap_or_else(|_| "audio device".into()),
    }
}

fn find_device(host: &cpal::Host, name: Option<&str>) -> Result<cpal::Device, OutputError> {
    let Some(name) = name else {
        return host
            .default_output_device()
            .ok_or_else(|| OutputError::NoDevice(String::new()));
    };
    let devices: Vec<cpal::Device> = host
        .output_devices()
        .map_err(|e| OutputError::Backend(format!("cannot list audio devices: {e}")))?
        .collect();
    let label = |d: &cpal::Device| {
        let id = d.id().map(|i| i.id().to_string()).unwrap_or_default();
        let desc = d
            .description()
            .map(|x| x.name().to_string())
            .unwrap_or_default();
        (id, desc)
    };
    let labels: Vec<(String, String)> = devices.iter().map(label).collect();
    let lower = name.to_lowercase();
    let pick = |pred: &dyn Fn(&(String, String)) -> bool| {
        let hits: Vec<usize> = (0..labels.len()).filter(|&i| pred(&labels[i])).collect();
        (hits.len() == 1).then(|| hits[0])
    };
    let found = pick(&|(id, _)| id == name)
        .or_else(|| pick(&|(_, desc)| desc == name))
        .or_else(|| pick(&|(id, desc)| id.to_lowercase() == lower || desc.to_lowercase() == lower))
        .or_else(|| {
            pick(&|(id, desc)| {
                id.to_lowercase().contains(&lower) || desc.to_lowercase().contains(&lower)
            })
        });
    match found {
        Some(i) => Ok(devices
            .into_iter()
            .nth(i)
            .ok_or_else(|| OutputError::NoDevice(String::new()))?),
        None => Err(OutputError::NotFound {
            name: name.to_string(),
            available: labels.into_iter().map(|(id, _)| id).collect(),
        }),
    }
}

struct ConfigChoice {
    rate: u32,
    channels: u16,
    format: cpal::SampleFormat,
    buffer_range: cpal::SupportedBufferSize,
}

/// Preference of device formats: float first (no conversion loss), then the widest integers.
fn format_rank(f: cpal::SampleFormat) -> Option<u8> {
    use cpal::SampleFormat as F;
    Some(match f {
        F::F32 => 0,
        F::I32 => 1,
        F::I24 => 2,
        F::F64 => 3,
        F::I16 => 4,
        F::U32 => 5,
        F::U24 => 6,
        F::U16 => 7,
        F::I64 => 8,
        F::U64 => 9,
        F::I8 => 10,
        F::U8 => 11,
        _ => return None,
    })
}

fn channel_rank(c: u16) -> u16 {
    match c {
        2 => 0,
        1 => u16::MAX,
        c => c,
    }
}

fn choose_config(device: &cpal::Device, rate: u32) -> Result<ConfigChoice, OutputError> {
    let ranges: Vec<cpal::SupportedStreamConfigRange> = device
        .supported_output_configs()
        .map(|it| {
            it.filter(|r| format_rank(r.sample_format()).is_some())
                .collect()
        })
        .unwrap_or_default();
    let best = |rate: u32| {
        ranges
            .iter()
            .filter(|r| {
                r.channels() > 0 && r.min_sample_rate() <= rate && rate <= r.max_sample_rate()
            })
            .min_by_key(|r| (channel_rank(r.channels()), format_rank(r.sample_format())))
            .map(|r| ConfigChoice {
                rate,
                channels: r.channels(),
                format: r.sample_format(),
                buffer_range: *r.buffer_size(),
            })
    };
    if let Some(c) = best(rate) {
        return Ok(c);
    }
    // The mix rate is not offered: run at the device's own rate and resample.
    let default = device.default_output_config();
    if let Ok(d) = &default {
        if let Some(c) = best(d.sample_rate()) {
            return Ok(c);
        }
        if format_rank(d.sample_format()).is_some() && d.channels() > 0 {
            return Ok(ConfigChoice {
                rate: d.sample_rate(),
                channels: d.channels(),
                format: d.sample_format(),
                buffer_range: *d.buffer_size(),
            });
        }
    }
    if let Some(r) = ranges.first() {
        let rate = r.max_sample_rate().min(192_000).max(r.min_sample_rate());
        return Ok(ConfigChoice {
            rate,
            channels: r.channels(),
            format: r.sample_format(),
            buffer_range: *r.buffer_size(),
        });
    }
    match default {
        // cpal's sentence adds nothing; the ALSA detail is appended by the caller.
        Err(e) if e.kind() == cpal::ErrorKind::DeviceNotAvailable => {
            Err(OutputError::NoDevice(String::new()))
        }
        Err(e) => Err(OutputError::Backend(format!(
            "cannot query the device: {e}"
        ))),
        Ok(d) => Err(OutputError::Unsupported(format!(
            "the device only offers {} samples, which stemmix cannot produce",
            d.sample_format()
        ))),
    }
}

fn build_stream(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    format: cpal::SampleFormat,
    adapter: OutputAdapter,
    health: Arc<StreamHealth>,
) -> Result<cpal::Stream, OutputError> {
    use cpal::SampleFormat as F;
    let r = match format {
        F::F32 => typed::<f32>(device, config, adapter, health),
        F::F64 => typed::<f64>(device, config, adapter, health),
        F::I8 => typed::<i8>(device, config, adapter, health),
        F::I16 => typed::<i16>(device, config, adapter, health),
        F::I24 => typed::<cpal::I24>(device, config, adapter, health),
        F::I32 => typed::<i32>(device, config, adapter, health),
        F::I64 => typed::<i64>(device, config, adapter, health),
        F::U8 => typed::<u8>(device, config, adapter, health),
        F::U16 => typed::<u16>(device, config, adapter, health),
        F::U24 => typed::<cpal::U24>(device, config, adapter, health),
        F::U32 => typed::<u32>(device, config, adapter, health),
        F::U64 => typed::<u64>(device, config, adapter, health),
        other => {
            return Err(OutputError::Unsupported(format!(
                "sample format {other} is not supported"
            )));
        }
    };
    r.map_err(|e| match e.kind() {
        cpal::ErrorKind::DeviceNotAvailable => OutputError::NoDevice(format!(" ({e})")),
        cpal::ErrorKind::UnsupportedConfig => OutputError::Unsupported(e.to_string()),
        _ => OutputError::Backend(e.to_string()),
    })
}

fn typed<T: DeviceSample>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut adapter: OutputAdapter,
    health: Arc<StreamHealth>,
) -> Result<cpal::Stream, cpal::Error> {
    let h = health.clone();
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], _: &cpal::OutputCallbackInfo| {
            h.callback();
            adapter.fill(data);
        },
        // Runs on the audio thread too: atomics only.
        move |err: cpal::Error| match err.kind() {
            cpal::ErrorKind::Xrun => health.xrun(),
            cpal::ErrorKind::DeviceNotAvailable | cpal::ErrorKind::StreamInvalidated => {
                health.lost()
            }
            _ => health.error(),
        },
        None,
    )
}

/// Checks that an output device matching `name` exists (the rules [`OutputConfig::device`]
/// uses: exact id, exact name, case-insensitive, then a unique substring) and returns its id.
pub fn resolve_output_device(name: &str) -> Result<String, OutputError> {
    let _log = alsa_log::capture();
    let host = cpal::default_host();
    find_device(&host, Some(name)).map(|d| device_name(&d))
}

/// An output device as listed by [`list_output_devices`].
#[derive(Clone, Debug, PartialEq)]
pub struct OutputDeviceInfo {
    /// Identifier to pass as the device name.
    pub id: String,
    /// Human-readable description.
    pub name: String,
    /// Whether this is the default output.
    pub is_default: bool,
    /// Its default configuration ("48000 Hz, 2 ch, f32"), or why it cannot be opened now.
    pub default_config: Result<String, String>,
}

/// Lists the output devices of the default host.
pub fn list_output_devices() -> Result<Vec<OutputDeviceInfo>, OutputError> {
    let _log = alsa_log::capture();
    let host = cpal::default_host();
    let default_id = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|i| i.id().to_string());
    let mut devices: Vec<cpal::Device> = host
        .output_devices()
        .map_err(|e| OutputError::Backend(format!("cannot list audio devices: {e}")))?
        .collect();
    // The default device is not always among the enumerated ones (ALSA lists it only when it
    // is configured); show it anyway, with why it cannot be opened.
    if let Some(d) = host.default_output_device()
        && !devices.iter().any(|x| x.id().ok() == d.id().ok())
    {
        devices.insert(0, d);
    }
    Ok(devices
        .into_iter()
        .map(|d| {
            let id = d.id().map(|i| i.id().to_string()).unwrap_or_default();
            let name = d
                .description()
                .map(|x| x.name().to_string())
                .unwrap_or_else(|_| id.clone());
            let default_config = d
                .default_output_config()
                .map(|c| {
                    format!(
                        "{} Hz, {} ch, {}",
                        c.sample_rate(),
                        c.channels(),
                        c.sample_format()
                    )
                })
                .map_err(|e| e.to_string());
            OutputDeviceInfo {
                is_default: default_id.as_deref() == Some(id.as_str()),
                id,
                name,
                default_config,
            }
        })
        .collect())
}

/// Keeps alsa-lib's diagnostics ("cannot find card '0'" …) off stderr while devices are probed
/// (every reconnection attempt would print them), and turns the last one into error detail.
#[cfg(target_os = "linux")]
mod alsa_log {
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Captured diagnostics of this thread until dropped.
    pub type Log = Rc<RefCell<alsa::Output>>;

    /// Starts capturing this thread's alsa-lib messages (a fresh, empty buffer).
    pub fn capture() -> Option<Log> {
        alsa::Output::local_error_handler().ok()
    }

    /// The last message captured.
    pub fn last_line(log: Log) -> Option<String> {
        let text = log.try_borrow().ok()?.to_string();
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.trim().to_string())
    }
}

#[cfg(not(target_os = "linux"))]
mod alsa_log {
    pub type Log = ();
    pub fn capture() -> Option<Log> {
        None
    }
    pub fn last_line(_: Log) -> Option<String> {
        None
    }
}

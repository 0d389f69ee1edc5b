//! Which renderer the window uses when the user does not name one in `ICED_BACKEND`.
//!
//! iced's own default tries wgpu first and takes any adapter it finds. On a machine without a
//! GPU that is Mesa's llvmpipe/lavapipe or Windows' WARP: a software rasteriser that costs far
//! more CPU than iced's software renderer, tiny-skia (measured here: two cores while playing
//! the example project), and under Xvfb most canvas widgets do not even draw on it. So:
//! - `ICED_BACKEND` set (to anything but blanks): iced does what it says;
//! - no GPU device at all (Linux: nothing in `/dev/dri`, no `/dev/nvidia*`): tiny-skia;
//! - otherwise the graphics adapters are listed, with the backends `WGPU_BACKEND` allows, and
//!   wgpu is used if one of them is hardware, tiny-skia if all are software (or there are none,
//!   or listing them failed).
//!
//! The adapters are listed in a child process (this executable with [`PROBE_ENV`] set): the
//! drivers loaded for that, and the threads they start, never live in the window's process,
//! which must set `ICED_BACKEND` while it has only one thread. A probe that does not answer
//! within [`PROBE_TIMEOUT`] counts as failed.

use std::io::Read;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The variable iced reads its renderer from: `tiny-skia`, `wgpu`, or a comma-separated list.
pub const BACKEND_ENV: &str = "ICED_BACKEND";
/// Set in the child process that lists the graphics adapters.
pub const PROBE_ENV: &str = "STEMMIX_PROBE_ADAPTERS";
/// How long the window waits for the adapter list.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A graphics adapter the probe found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adapter {
    /// The driver's name for it (e.g. "llvmpipe (LLVM 19.1.7, 256 bits)").
    pub name: String,
    /// Whether it rasterises on the CPU.
    pub software: bool,
}

/// What is known about the machine's graphics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Gpu {
    /// No GPU device node exists (not asked of any driver).
    NoDevice,
    /// The adapters wgpu can use (possibly none).
    Adapters(Vec<Adapter>),
    /// Listing the adapters failed or took too long.
    ProbeFailed(String),
}

/// The renderer to ask iced for, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The value to give `ICED_BACKEND`; `None` leaves the user's value alone.
    pub backend: Option<&'static str>,
    /// One line for the log.
    pub reason: String,
}

/// tiny-skia for the given reason.
fn software(reason: String) -> Choice {
    Choice {
        backend: Some("tiny-skia"),
        reason,
    }
}

/// The choice for the user's `ICED_BACKEND` value (`env`) and what `probe` finds (asked only
/// when the user named nothing).
pub fn decide(env: Option<&str>, probe: impl FnOnce() -> Gpu) -> Choice {
    if let Some(v) = env.filter(|v| !v.trim().is_empty()) {
        return Choice {
            backend: None,
            reason: format!("{BACKEND_ENV}={v}"),
        };
    }
    match probe() {
        Gpu::NoDevice => software("no GPU device".into()),
        Gpu::ProbeFailed(why) => software(format!("no adapter list ({why})")),
        Gpu::Adapters(list) => match list.iter().find(|a| !a.software) {
            // tiny-skia stays as iced's fallback if wgpu cannot open a surface after all.
            Some(gpu) => Choice {
                backend: Some("wgpu,tiny-skia"),
                reason: format!("GPU adapter {}", gpu.name),
            },
            None if list.is_empty() => software("no graphics adapter".into()),
            None => software(format!(
                "software adapters only: {}",
                list.iter()
                    .map(|a| a.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
    }
}

/// Whether an adapter with this name and type rasterises on the CPU. The type is what drivers
/// report; the names catch the software rasterisers that report something else.
pub fn is_software(device_type: iced::wgpu::DeviceType, name: &str) -> bool {
    const NAMES: [&str; 6] = [
        "llvmpipe",
        "lavapipe",
        "softpipe",
        "swiftshader",
        "swrast",
        "microsoft basic render",
    ];
    let name = name.to_lowercase();
    device_type == iced::wgpu::DeviceType::Cpu || NAMES.iter().any(|n| name.contains(n))
}

/// Whether the machine has any GPU device node. Only Linux can tell cheaply; elsewhere the
/// adapters are always listed.
fn has_gpu_device() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let any = |dir: &str, prefix: &str| {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.file_name().to_string_lossy().starts_with(prefix))
        })
    };
    // The proprietary NVIDIA driver may run without the DRM nodes.
    any("/dev/dri", "") || any("/dev", "nvidia")
}

/// Looks at the machine's graphics: device nodes, then the adapter list from a child process.
pub fn probe() -> Gpu {
    if !has_gpu_device() {
        return Gpu::NoDevice;
    }
    match probe_child() {
        Ok(list) => Gpu::Adapters(list),
        Err(why) => Gpu::ProbeFailed(why),
    }
}

/// Runs this executable as the adapter probe and reads its answer.
fn probe_child() -> Result<Vec<Adapter>, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .env(PROBE_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() >= PROBE_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer in {} s", PROBE_TIMEOUT.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        stdout.read_to_string(&mut out).map_err(|e| e.to_string())?;
    }
    if !status.success() {
        return Err(format!("the probe exited with {status}"));
    }
    Ok(parse_probe(&out))
}

/// Reads the probe's lines: `gpu<TAB>name` or `cpu<TAB>name`.
pub fn parse_probe(out: &str) -> Vec<Adapter> {
    out.lines()
        .filter_map(|line| {
            let (kind, name) = line.split_once('\t')?;
            let software = match kind {
                "cpu" => true,
                "gpu" => false,
                _ => return None,
            };
            Some(Adapter {
                name: name.to_string(),
                software,
            })
        })
        .collect()
}

/// In the probe child (with [`PROBE_ENV`] set): prints one line per adapter and returns the
/// exit code; otherwise `None`.
pub fn run_probe_if_asked() -> Option<ExitCode> {
    std::env::var_os(PROBE_ENV)?;
    use iced::wgpu;
    let backends = wgpu::Backends::from_env().unwrap_or(wgpu::Backends::all());
    let instance = wgpu::Instance::new(&wgpu::InstanceDescriptor {
        backends,
        ..Default::default()
    });
    for adapter in instance.enumerate_adapters(backends) {
        let info = adapter.get_info();
        let kind = if is_software(info.device_type, &info.name) {
            "cpu"
        } else {
            "gpu"
        };
        println!("{kind}\t{}", info.name.replace(['\t', '\n'], " "));
    }
    Some(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adapter(name: &str, software: bool) -> Adapter {
        Adapter {
            name: name.into(),
            software,
        }
    }

    #[test]
    fn the_users_choice_wins_and_nothing_is_probed() {
        let c = decide(Some("wgpu"), || panic!("probed"));
        assert_eq!(c.backend, None);
        let c = decide(Some("tiny-skia"), || panic!("probed"));
        assert_eq!(c.backend, None);
    }

    #[test]
    fn software_only_machines_get_tiny_skia() {
        for gpu in [
            Gpu::NoDevice,
            Gpu::Adapters(vec![]),
            Gpu::Adapters(vec![adapter("llvmpipe (LLVM 19)", true)]),
            Gpu::ProbeFailed("timeout".into()),
        ] {
            assert_eq!(
                decide(None, || gpu.clone()).backend,
                Some("tiny-skia"),
                "{gpu:?}"
            );
        }
        // A blank variable counts as unset.
        assert_eq!(
            decide(Some(" "), || Gpu::NoDevice).backend,
            Some("tiny-skia")
        );
    }

    #[test]
    fn a_hardware_adapter_gets_wgpu_with_the_software_fallback() {
        let c = decide(None, || {
            Gpu::Adapters(vec![
                adapter("llvmpipe", true),
                adapter("AMD Radeon 780M", false),
            ])
        });
        assert_eq!(c.backend, Some("wgpu,tiny-skia"));
        assert!(c.reason.contains("Radeon"), "{}", c.reason);
    }

    #[test]
    fn software_rasterisers_are_recognised() {
        use iced::wgpu::DeviceType;
        assert!(is_software(DeviceType::Cpu, "anything"));
        assert!(is_software(
            DeviceType::Other,
            "llvmpipe (LLVM 15.0.7, 256 bits)"
        ));
        assert!(is_software(
            DeviceType::Other,
            "Microsoft Basic Render Driver"
        ));
        assert!(!is_software(
            DeviceType::IntegratedGpu,
            "Intel(R) Graphics (RPL-P)"
        ));
        assert!(!is_software(
            DeviceType::DiscreteGpu,
            "NVIDIA GeForce RTX 4070"
        ));
    }

    #[test]
    fn probe_lines_are_parsed() {
        let list = parse_probe("cpu\tllvmpipe\ngpu\tRadeon\tX\nbogus\nxyz\tfoo\n");
        assert_eq!(
            list,
            vec![adapter("llvmpipe", true), adapter("Radeon\tX", false)]
        );
    }
}

//! Long commands (`import`, `restore`, `backup`, `rebuild`, `demo`, `sync now`):
//! a progress bar on stderr when stderr is a terminal (never in a pipe or a
//! log), and Ctrl+C to cancel. The first Ctrl+C sets the work's cancel flag:
//! the core stops at its next safe point, leaves nothing half-written, and the
//! command fails with the `cancelled` error (exit code 1). A second Ctrl+C
//! exits at once (130), as an interrupted program does.

use std::cell::Cell;
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::time::Duration;

use console::Term;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};
use nextdate_diary::{Cancel, Progress, Step};

/// One long command's bar and cancel flag (one per process).
pub struct Work {
    bar: Option<ProgressBar>,
    cancel: Cancel,
    /// Drawn from the first report on (not as an empty bar before it).
    shown: Cell<bool>,
}

/// The process's cancel flag, set by Ctrl+C once the handler is installed.
static CANCEL: OnceLock<Cancel> = OnceLock::new();

impl Work {
    /// Shows a bar (on a terminal) and makes Ctrl+C cancel instead of kill.
    pub fn start() -> Work {
        let bar = std::io::stderr().is_terminal().then(|| {
            // Hidden until the first report, so that no empty bar flashes by.
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{msg:22} {bar:24} {pos}/{len} {prefix}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            bar
        });
        let cancel = CANCEL
            .get_or_init(|| {
                let cancel = Cancel::new();
                let flag = cancel.clone();
                let shown = bar.clone();
                // Fails only when a handler is already set, and then Ctrl+C still ends the process.
                let _ = ctrlc::set_handler(move || {
                    if flag.is_cancelled() {
                        std::process::exit(130);
                    }
                    flag.cancel();
                    if let Some(bar) = &shown {
                        bar.set_message("Cancelling; Ctrl+C again quits");
                    }
                });
                cancel
            })
            .clone();
        Work {
            bar,
            cancel,
            shown: Cell::new(false),
        }
    }

    /// Runs `f` with a progress handle that draws this bar and sees Ctrl+C.
    pub fn run<T>(&self, f: impl FnOnce(&Progress<'_>) -> T) -> T {
        let report = |s: Step| self.show(s);
        f(&Progress::new(&report, &self.cancel))
    }

    /// Prints something (with `print`) without tearing the bar.
    pub fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    fn show(&self, s: Step) {
        let Some(bar) = &self.bar else { return };
        if !self.cancel.is_cancelled() {
            bar.set_message(s.stage.label());
        }
        bar.set_prefix(s.stage.unit());
        bar.set_length(s.total.max(s.done));
        bar.set_position(s.done);
        if !self.shown.replace(true) {
            bar.set_draw_target(ProgressDrawTarget::term_like_with_hz(
                Box::new(Narrower(Term::stderr())),
                20,
            ));
            // Redrawn now and then even while one step takes long.
            bar.enable_steady_tick(Duration::from_millis(250));
        }
    }
}

impl Drop for Work {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// stderr, two columns narrower than the terminal: indicatif fills the bar's
/// line to the right edge, and the "^C" a terminal echoes would then wrap it
/// (leaving a stale bar above the next one).
#[derive(Debug)]
struct Narrower(Term);

impl TermLike for Narrower {
    fn width(&self) -> u16 {
        self.0.size().1.saturating_sub(2).max(1)
    }
    fn height(&self) -> u16 {
        self.0.size().0
    }
    fn move_cursor_up(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_up(n)
    }
    fn move_cursor_down(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_down(n)
    }
    fn move_cursor_right(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_right(n)
    }
    fn move_cursor_left(&self, n: usize) -> std::io::Result<()> {
        self.0.move_cursor_left(n)
    }
    fn write_line(&self, s: &str) -> std::io::Result<()> {
        self.0.write_line(s)
    }
    fn write_str(&self, s: &str) -> std::io::Result<()> {
        self.0.write_str(s)
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.0.clear_line()
    }
    fn flush(&self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Runs one long piece of work with a bar and Ctrl+C (see [`Work`]).
pub fn run<T>(f: impl FnOnce(&Progress<'_>) -> T) -> T {
    Work::start().run(f)
}

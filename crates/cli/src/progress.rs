//! The progress bar of `migrate-data` (on stderr; drawn only when stderr
//! is a terminal).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sixin_server::store::transfer::Progress;

/// One bar, reset for each stage of the run.
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Bar {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>14} [{bar:32}] {human_pos}/{human_len} {msg:<22} {elapsed_precise} (eta {eta})",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar { bar }
    }

    /// Says how long the stage that ends took.
    fn stage_done(&self) {
        if !self.bar.prefix().is_empty() {
            self.bar.println(format!(
                "{:>14}: {} done in {:.1?}",
                self.bar.prefix(),
                self.bar.position(),
                self.bar.elapsed()
            ));
            self.bar.set_prefix("");
        }
    }

    /// Removes the bar from the terminal.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: u64) {
        self.stage_done();
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_prefix(name.to_owned());
        self.bar.set_message("");
    }

    fn table(&self, name: &str) {
        self.bar.set_message(name.to_owned());
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn finish(&self) {
        self.stage_done();
        self.bar.finish_and_clear();
    }
}

//! `handover demo`: the story so far, on the synthetic fixture community.

use crate::Ctx;
use crate::cli::DemoArgs;
use crate::error::Result;
use crate::output::Outcome;

/// Run the demo.
pub fn run(ctx: &Ctx, a: DemoArgs) -> Result<Outcome> {
    crate::demo::run(ctx, &a.out, a.fixtures.as_deref(), super::dispatch)
}

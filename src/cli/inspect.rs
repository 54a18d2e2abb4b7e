//! `regulint inspect FILE`: what the reader understood.

use super::ExitStatus;
use super::args::{InspectArgs, InspectFormat};
use crate::batch::display;
use crate::document::{self, ReadOptions};
use anyhow::Context as _;
use std::io::Write as _;

pub(super) fn run(args: &InspectArgs) -> anyhow::Result<ExitStatus> {
    let name = display(&args.path);
    // The same input checks and size limit as `lint`: no FIFO, no /dev/zero, no 2 GB file.
    let bytes = crate::batch::read(&crate::batch::single(&args.path))
        .with_context(|| format!("cannot read {name}"))?;
    let options = ReadOptions {
        format: args.input_format,
        encoding: args.encoding,
    };
    let loaded =
        document::load(&name, &bytes, options).with_context(|| format!("cannot read {name}"))?;
    let mut out = std::io::stdout().lock();
    if args.text {
        out.write_all(crate::inspect::render_text(&loaded.source).as_bytes())?;
        out.flush()?;
        return Ok(ExitStatus::Success);
    }
    let view = crate::inspect::view(&loaded);
    match args.format {
        InspectFormat::Tree => out.write_all(crate::inspect::render_tree(&view).as_bytes())?,
        InspectFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &view)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}

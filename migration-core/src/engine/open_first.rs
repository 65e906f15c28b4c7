//! A full run in open-first order ([`super::order`]): the open pass, then the history pass,
//! each stage labelled with the pass that ran it.

use super::context::Context;
use super::history::HistoryPass;
use super::observer::Event;
use super::open_pass::OpenPass;
use super::order::Pass;
use super::report::RunReport;
use super::EngineError;
use crate::delta::Watermark;

/// Runs both passes; the watermark the run records is the latest change the open pass saw
/// (`None` when it saw none), so that the next delta reads again what changed while the
/// history moved, open tickets above all. The history lists the tickets only once the open
/// pass has ended: a ticket created before that moves with the history, one created after is
/// newer than that watermark and moves with the next delta.
pub(crate) async fn run_open_first(
    context: &Context<'_, '_>,
    report: &mut RunReport,
) -> Result<Option<Watermark>, EngineError> {
    context.emit(Event::PassStarted { pass: Pass::Open });
    let first = report.stages.len();
    let mut open = OpenPass::prepare(context).await?;
    let finished = open.run(context, report).await?;
    label_stages(report, first, Pass::Open);
    if !finished {
        return Ok(None);
    }
    let seen = context.latest_change();
    if let Some(tickets) = open.all_moved(report, first) {
        if !context.dry_run {
            context
                .store()
                .record_open_tickets_moved(tickets)
                .await
                .map_err(EngineError::Store)?;
        }
        context.emit(Event::OpenTicketsMoved { tickets });
    }
    context.emit(Event::PassStarted {
        pass: Pass::History,
    });
    let second = report.stages.len();
    HistoryPass::after(open).run(context, report).await?;
    label_stages(report, second, Pass::History);
    Ok(seen)
}

fn label_stages(report: &mut RunReport, from: usize, pass: Pass) {
    for stage in report.stages.iter_mut().skip(from) {
        stage.pass = Some(pass);
    }
}

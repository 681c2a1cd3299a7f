//! The step executor: runs a DAG of steps concurrently, each the moment its own dependencies
//! are done (no level-by-level barriers), bounded by `-parallelism`.
//!
//! When more steps are ready than `-parallelism` lets run, the one heading the longest chain of
//! steps still to come goes first (list scheduling by height): a VPC whose subnets, NAT
//! gateways and routes wait on it starts before a log group nothing waits on, so the chain
//! that decides the run's wall time never queues behind work that could run beside it later.
//!
//! It knows nothing of clouds, blueprints or state: a step is an index and a list of the steps it
//! waits for, and a [`StepRunner`] does the work. When a step fails, only the steps that depend on
//! it (directly or not) are skipped; everything else still runs. When cancelled (Ctrl-C), no new
//! step starts, and steps already running are allowed to finish so their results can be saved.

use crate::diag::Diag;
use async_trait::async_trait;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::task::JoinSet;

/// One unit of work in the DAG.
#[derive(Debug, Clone)]
pub struct Step {
    /// Shown in messages (`aws_vpc.main (create)`).
    pub label: String,
    /// Indexes of the steps that must finish first.
    pub deps: Vec<usize>,
}

/// Does the work of a step.
#[async_trait]
pub trait StepRunner: Send + Sync + 'static {
    /// Runs step `index`.
    async fn run(&self, index: usize) -> Result<(), Diag>;
}

/// What happened to a step.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// It ran and succeeded.
    Done,
    /// It ran and failed.
    Failed(Diag),
    /// It did not run because a step it depends on failed (label of that step).
    Skipped(String),
    /// It did not run because the run was cancelled.
    Cancelled,
}

/// Runs all steps; returns one outcome per step, in step order.
pub async fn execute(
    steps: &[Step],
    runner: Arc<dyn StepRunner>,
    parallelism: usize,
    cancel: Arc<AtomicBool>,
) -> Vec<Outcome> {
    let n = steps.len();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut waiting: Vec<usize> = vec![0; n];
    for (i, s) in steps.iter().enumerate() {
        for &d in &s.deps {
            dependents[d].push(i);
            waiting[i] += 1;
        }
    }
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let height = heights(&dependents, &waiting);
    // Highest first; among equals, the earlier step (plan order).
    let mut ready: BinaryHeap<(usize, Reverse<usize>)> = (0..n)
        .filter(|&i| waiting[i] == 0)
        .map(|i| (height[i], Reverse(i)))
        .collect();
    let mut running = JoinSet::new();
    let limit = parallelism.max(1);
    loop {
        while running.len() < limit && !cancel.load(Ordering::SeqCst) {
            let Some((_, Reverse(i))) = ready.pop() else { break };
            let r = runner.clone();
            running.spawn(async move { (i, r.run(i).await) });
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (i, result) = match joined {
            Ok(x) => x,
            Err(e) => {
                // A panicking step is a bug; report it as that step's failure.
                let msg = format!("internal error: a step panicked: {e}");
                let i = (0..n).find(|&k| outcomes[k].is_none() && waiting[k] == 0).unwrap_or(0);
                (i, Err(Diag::new(msg)))
            }
        };
        match result {
            Ok(()) => {
                outcomes[i] = Some(Outcome::Done);
                for &d in &dependents[i] {
                    waiting[d] -= 1;
                    if waiting[d] == 0 && outcomes[d].is_none() {
                        ready.push((height[d], Reverse(d)));
                    }
                }
            }
            Err(diag) => {
                outcomes[i] = Some(Outcome::Failed(diag));
                skip_dependents(i, &dependents, &mut outcomes, &steps[i].label);
            }
        }
    }
    outcomes.into_iter().map(|o| o.unwrap_or(Outcome::Cancelled)).collect()
}

/// How many steps the longest chain starting at each step holds (itself included), from the
/// steps nothing waits on back to the roots (Kahn's order over the reversed edges). Steps on a
/// cycle (none are planned) keep height 1.
fn heights(dependents: &[Vec<usize>], waiting: &[usize]) -> Vec<usize> {
    let n = dependents.len();
    let mut height = vec![1; n];
    let mut pending: Vec<usize> = dependents.iter().map(Vec::len).collect();
    let mut deps_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in dependents.iter().enumerate() {
        for &d in ds {
            deps_of[d].push(i);
        }
    }
    debug_assert!(deps_of.iter().zip(waiting).all(|(d, w)| d.len() == *w));
    let mut done: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    while let Some(i) = done.pop() {
        for &before in &deps_of[i] {
            height[before] = height[before].max(height[i] + 1);
            pending[before] -= 1;
            if pending[before] == 0 {
                done.push(before);
            }
        }
    }
    height
}

fn skip_dependents(failed: usize, dependents: &[Vec<usize>], outcomes: &mut [Option<Outcome>], label: &str) {
    let mut stack = dependents[failed].clone();
    while let Some(d) = stack.pop() {
        if outcomes[d].is_none() {
            outcomes[d] = Some(Outcome::Skipped(label.to_string()));
            stack.extend(dependents[d].iter().copied());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    /// Records start/end order, sleeps, and fails the steps it is told to.
    struct FakeRunner {
        log: Mutex<Vec<String>>,
        fail: Vec<usize>,
        delay_ms: u64,
        active: std::sync::atomic::AtomicUsize,
        peak: std::sync::atomic::AtomicUsize,
    }

    impl FakeRunner {
        fn new(fail: Vec<usize>, delay_ms: u64) -> Arc<FakeRunner> {
            Arc::new(FakeRunner {
                log: Mutex::new(vec![]),
                fail,
                delay_ms,
                active: Default::default(),
                peak: Default::default(),
            })
        }
    }

    #[async_trait]
    impl StepRunner for FakeRunner {
        async fn run(&self, index: usize) -> Result<(), Diag> {
            let now = self.active.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            self.log.lock().unwrap().push(format!("start {index}"));
            tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
            self.log.lock().unwrap().push(format!("end {index}"));
            self.active.fetch_sub(1, Ordering::SeqCst);
            if self.fail.contains(&index) {
                return Err(Diag::new(format!("step {index} failed")));
            }
            Ok(())
        }
    }

    fn step(deps: &[usize]) -> Step {
        Step {
            label: format!("s{deps:?}"),
            deps: deps.to_vec(),
        }
    }

    fn pos(log: &[String], what: &str) -> usize {
        log.iter()
            .position(|l| l == what)
            .unwrap_or_else(|| panic!("{what} not in {log:?}"))
    }

    #[tokio::test]
    async fn dependencies_finish_before_dependents_start() {
        // 0 -> 1 -> 3, 0 -> 2 -> 3
        let steps = vec![step(&[]), step(&[0]), step(&[0]), step(&[1, 2])];
        let r = FakeRunner::new(vec![], 5);
        let out = execute(&steps, r.clone(), 10, Arc::new(AtomicBool::new(false))).await;
        assert!(out.iter().all(|o| matches!(o, Outcome::Done)));
        let log = r.log.lock().unwrap().clone();
        assert!(pos(&log, "end 0") < pos(&log, "start 1"));
        assert!(pos(&log, "end 0") < pos(&log, "start 2"));
        assert!(pos(&log, "end 1") < pos(&log, "start 3"));
        assert!(pos(&log, "end 2") < pos(&log, "start 3"));
    }

    #[tokio::test]
    async fn parallelism_bounds_concurrency_and_independent_steps_overlap() {
        let steps: Vec<Step> = (0..8).map(|_| step(&[])).collect();
        let r = FakeRunner::new(vec![], 20);
        execute(&steps, r.clone(), 3, Arc::new(AtomicBool::new(false))).await;
        assert_eq!(r.peak.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn the_step_heading_the_longest_chain_starts_first_when_slots_are_short() {
        // 0 and 1 stand alone; 2 heads the chain 2 -> 3 -> 4. With one slot, 2 goes first.
        let steps = vec![step(&[]), step(&[]), step(&[]), step(&[2]), step(&[3])];
        let r = FakeRunner::new(vec![], 1);
        execute(&steps, r.clone(), 1, Arc::new(AtomicBool::new(false))).await;
        let log = r.log.lock().unwrap().clone();
        assert_eq!(log[0], "start 2", "{log:?}");
        // Equal heights keep plan order.
        assert!(pos(&log, "start 0") < pos(&log, "start 1"), "{log:?}");
    }

    #[test]
    fn heights_count_the_longest_chain_below_each_step() {
        // 0 -> 1 -> 3, 0 -> 2 -> 3, 4 alone.
        let dependents = vec![vec![1, 2], vec![3], vec![3], vec![], vec![]];
        let waiting = vec![0, 1, 1, 2, 0];
        assert_eq!(heights(&dependents, &waiting), vec![3, 2, 2, 1, 1]);
    }

    #[tokio::test]
    async fn failure_skips_only_dependents() {
        // 0 fails; 1 depends on 0; 2 depends on 1; 3 is independent.
        let steps = vec![step(&[]), step(&[0]), step(&[1]), step(&[])];
        let r = FakeRunner::new(vec![0], 1);
        let out = execute(&steps, r, 4, Arc::new(AtomicBool::new(false))).await;
        assert!(matches!(out[0], Outcome::Failed(_)));
        assert!(matches!(out[1], Outcome::Skipped(_)));
        assert!(matches!(out[2], Outcome::Skipped(_)));
        assert!(matches!(out[3], Outcome::Done));
    }

    #[tokio::test]
    async fn cancellation_stops_new_steps_but_lets_running_ones_finish() {
        let steps = vec![step(&[]), step(&[0])];
        let cancel = Arc::new(AtomicBool::new(false));
        struct CancelOnFirst(Arc<AtomicBool>);
        #[async_trait]
        impl StepRunner for CancelOnFirst {
            async fn run(&self, _: usize) -> Result<(), Diag> {
                self.0.store(true, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(5)).await;
                Ok(())
            }
        }
        let out = execute(&steps, Arc::new(CancelOnFirst(cancel.clone())), 4, cancel).await;
        assert!(matches!(out[0], Outcome::Done));
        assert!(matches!(out[1], Outcome::Cancelled));
    }
}

//! Answers shared by the reads of one read-only phase. Some AWS settings are read by two
//! resource types: a bucket's inline `versioning` and its `aws_s3_bucket_versioning` companion
//! ask S3 the same question, and a refresh of both would ask it twice. While a refresh (and the
//! data sources read beside it) runs, nothing is written, so every reader of that phase can
//! take one answer. Outside such a phase (applies, waiters polling for a change, a read back
//! after a write) every read goes to the provider.
//!
//! The phase is a tokio task-local scope rather than state on the clients: the reads of a
//! refresh run in its task, and concurrent commands or tests in one process never share one.

use super::{PResult, ProviderError};
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

type Answer = Result<Arc<dyn Any + Send + Sync>, ProviderError>;

/// The answers of one phase, by question.
#[derive(Default)]
struct Answers {
    by_question: Mutex<HashMap<String, Arc<OnceCell<Answer>>>>,
}

tokio::task_local! {
    static PHASE: Arc<Answers>;
}

/// Runs `phase`, in which identical reads made through [`read_once`] share one answer. Only
/// for phases that write nothing.
pub async fn reading_together<F: Future>(phase: F) -> F::Output {
    PHASE.scope(Arc::new(Answers::default()), phase).await
}

/// The answer to `question` (the call and everything that shapes its answer: service, region,
/// operation, object), asked once per [`reading_together`] phase; outside one, `read` runs
/// every time. A failed read is shared too: the same question fails the same way.
pub async fn read_once<T, F>(question: impl FnOnce() -> String, read: F) -> PResult<T>
where
    T: Clone + Send + Sync + 'static,
    F: Future<Output = PResult<T>>,
{
    let Ok(answers) = PHASE.try_with(Arc::clone) else {
        return read.await;
    };
    let cell = {
        let mut by_question = answers
            .by_question
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(by_question.entry(question()).or_default())
    };
    let answer = cell
        .get_or_init(|| async { read.await.map(|v| Arc::new(v) as Arc<dyn Any + Send + Sync>) })
        .await;
    match answer {
        Ok(v) => v
            .downcast_ref::<T>()
            .cloned()
            .ok_or_else(|| ProviderError::msg("one question was asked for two kinds of answer (a bug in infractl)")),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    async fn counted(calls: &AtomicUsize, answer: u32) -> PResult<u32> {
        calls.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok(answer)
    }

    #[tokio::test]
    async fn a_question_is_asked_once_per_phase_and_every_time_outside_one() {
        let calls = AtomicUsize::new(0);
        let ask = |q: &'static str, a| read_once(move || q.to_string(), counted(&calls, a));
        let (x, y, z) = reading_together(async {
            futures::join!(ask("versioning b", 1), ask("versioning b", 2), ask("policy b", 3))
        })
        .await;
        assert_eq!((x.unwrap(), y.unwrap(), z.unwrap()), (1, 1, 3));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        // A later phase asks again; outside a phase nothing is kept.
        assert_eq!(reading_together(ask("versioning b", 4)).await.unwrap(), 4);
        assert_eq!(ask("versioning b", 5).await.unwrap(), 5);
        assert_eq!(ask("versioning b", 6).await.unwrap(), 6);
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn a_failure_is_shared_and_a_mismatched_answer_is_an_error_not_a_panic() {
        let failing = || async { Err::<u32, _>(ProviderError::msg("AccessDenied")) };
        let (a, b) = reading_together(async {
            let a = read_once(|| "q".to_string(), failing()).await;
            let b = read_once(|| "q".to_string(), async { Ok(7u32) }).await;
            (a, b)
        })
        .await;
        assert_eq!(a.unwrap_err().message, "AccessDenied");
        assert_eq!(b.unwrap_err().message, "AccessDenied");
        let mismatch = reading_together(async {
            read_once(|| "q".to_string(), async { Ok(1u32) }).await.unwrap();
            read_once(|| "q".to_string(), async { Ok("text".to_string()) }).await
        })
        .await;
        assert!(mismatch.unwrap_err().message.contains("a bug in infractl"));
    }
}

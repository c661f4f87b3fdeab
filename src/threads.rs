//! Work spread over threads, for the phases that split a large survey
//! (parse, routing analysis) and the targets' languages.

/// `f` of each job, the first on the calling thread and each other on a
/// thread of its own; the results in the jobs' order. A job whose thread
/// cannot be made (a limit on processes, as in some containers) is done on
/// the calling thread, so the results never depend on the threads.
pub fn each<J, T>(jobs: Vec<J>, f: impl Fn(J) -> T + Sync) -> Vec<T>
where
    J: Clone + Send,
    T: Send,
{
    let mut jobs = jobs.into_iter();
    let Some(first) = jobs.next() else {
        return Vec::new();
    };
    std::thread::scope(|scope| {
        let f = &f;
        let others: Vec<_> = jobs
            .map(|job| {
                let thread = std::thread::Builder::new()
                    .spawn_scoped(scope, {
                        let job = job.clone();
                        move || f(job)
                    })
                    .ok();
                (job, thread)
            })
            .collect();
        let mut out = Vec::with_capacity(others.len() + 1);
        out.push(f(first));
        for (job, thread) in others {
            out.push(match thread.map(|t| t.join()) {
                Some(Ok(result)) => result,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => f(job),
            });
        }
        out
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_the_jobs_order() {
        let jobs: Vec<u64> = (0..9).collect();
        assert_eq!(
            super::each(jobs, |n| n * n),
            (0..9).map(|n| n * n).collect::<Vec<_>>()
        );
        assert!(super::each(Vec::<u8>::new(), |n| n).is_empty());
    }
}

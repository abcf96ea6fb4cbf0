//! Fair turns for guests that compute: a guest invocation yields at every epoch tick
//! (`Store::epoch_deadline_async_yield_and_update`), and wasmtime yields by waking its task at
//! once. On a serving thread's single-threaded runtime that task is then always ready, and
//! tokio looks for I/O only every 61 task polls while something is ready: the other
//! connections of the thread waited ~0.6 s for each read and write behind one spinning guest
//! (a red-team pass). Polling I/O after every task poll instead (`event_interval(1)`) costs a
//! fifth of the throughput of ordinary requests.
//!
//! [`YieldToIo`] changes only the spinning case: when the guest's future wakes itself during
//! its own poll, the wake is held back and the task yields through [`tokio::task::yield_now`],
//! which tokio resumes only after it has polled the I/O driver. Every other wake (a host call
//! whose I/O completed) goes through untouched.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// Wraps a future so that waking itself while being polled yields to the runtime's I/O.
pub struct YieldToIo<F> {
    inner: Pin<Box<F>>,
    /// A yield in progress: the inner future is polled again once it completes.
    yielding: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl<F: Future> YieldToIo<F> {
    pub fn new(inner: F) -> YieldToIo<F> {
        YieldToIo {
            inner: Box::pin(inner),
            yielding: None,
        }
    }
}

/// The waker the inner future sees during one poll.
struct SelfWake {
    /// The task's own waker.
    task: Waker,
    /// Set while the inner future is being polled.
    polling: AtomicBool,
    /// Set by any wake; read after the poll to see whether it came during it.
    woken: AtomicBool,
}

impl Wake for SelfWake {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // Recorded first, so a wake that races with the end of the poll is either seen by the
        // poller or forwarded here (at worst both: one spare poll, never a lost wake).
        self.woken.store(true, Ordering::SeqCst);
        if !self.polling.load(Ordering::SeqCst) {
            self.task.wake_by_ref();
        }
    }
}

impl<F: Future> Future for YieldToIo<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        if let Some(yielding) = self.yielding.as_mut() {
            match yielding.as_mut().poll(cx) {
                Poll::Ready(()) => self.yielding = None,
                Poll::Pending => return Poll::Pending,
            }
        }
        let wake = Arc::new(SelfWake {
            task: cx.waker().clone(),
            polling: AtomicBool::new(true),
            woken: AtomicBool::new(false),
        });
        let waker = Waker::from(Arc::clone(&wake));
        let result = self.inner.as_mut().poll(&mut Context::from_waker(&waker));
        wake.polling.store(false, Ordering::SeqCst);
        if result.is_pending() && wake.woken.swap(false, Ordering::SeqCst) {
            // It woke itself: it wants the thread again right away. Let I/O go first.
            let mut yielding: Pin<Box<dyn Future<Output = ()> + Send>> =
                Box::pin(tokio::task::yield_now());
            if yielding.as_mut().poll(cx).is_ready() {
                // Not expected (a yield is pending once); poll again rather than stall.
                cx.waker().wake_by_ref();
            } else {
                self.yielding = Some(yielding);
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A future that wakes itself `n` times before it is ready (as a guest yielding at epoch
    /// ticks does).
    struct Spin(u32);

    impl Future for Spin {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 == 0 {
                return Poll::Ready(());
            }
            self.0 -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    /// A spinning future and a task waiting for I/O on one single-threaded runtime: once the
    /// bytes arrive, the reader runs within a turn or two of the spinner (tokio's default
    /// would let the spinner take up to 61 turns first).
    #[test]
    fn io_is_served_between_the_turns_of_a_self_waking_future() {
        use tokio::io::AsyncReadExt;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let (mut reader, writer) = tokio::net::UnixStream::pair().unwrap();
            let writer = writer.into_std().unwrap();
            writer.set_nonblocking(false).unwrap();
            let sent = Arc::new(AtomicBool::new(false));
            let read = Arc::new(AtomicBool::new(false));
            let (sent_by_writer, read_by_reader) = (Arc::clone(&sent), Arc::clone(&read));
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(5));
                std::io::Write::write_all(&mut &writer, b"x").unwrap();
                sent_by_writer.store(true, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_secs(5));
            });
            let reading = tokio::spawn(async move {
                let mut byte = [0u8; 1];
                reader.read_exact(&mut byte).await.unwrap();
                read_by_reader.store(true, Ordering::SeqCst);
            });
            let spinner = tokio::spawn(YieldToIo::new(async move {
                let mut turns_after_the_write = 0u32;
                while !read.load(Ordering::SeqCst) {
                    Spin(1).await;
                    std::thread::sleep(std::time::Duration::from_micros(50));
                    if sent.load(Ordering::SeqCst) {
                        turns_after_the_write += 1;
                    }
                }
                turns_after_the_write
            }));
            reading.await.unwrap();
            let turns = spinner.await.unwrap();
            assert!(turns <= 3, "the reader waited {turns} turns of the spinner");
        });
    }

    #[test]
    fn a_wake_from_elsewhere_is_passed_on() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let answer = runtime.block_on(YieldToIo::new(async {
            let (tx, rx) = tokio::sync::oneshot::channel();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                let _ = tx.send(42);
            });
            rx.await.unwrap()
        }));
        assert_eq!(answer, 42);
    }
}

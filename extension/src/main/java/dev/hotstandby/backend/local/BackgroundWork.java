package dev.hotstandby.backend.local;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One low-priority daemon thread for work that may be dropped: it exists only while tasks are
 * queued, so a finishing JVM has nothing to wait for, and an interrupt (as {@code exec:java}
 * sends to the threads it waits for) drops what is queued and ends it at once.
 */
final class BackgroundWork {
    /** A task that can also be told it will never run. */
    interface Task extends Runnable {
        void drop();
    }

    private final String threadName;
    private final Deque<Task> queue = new ArrayDeque<>();
    private Thread worker;

    BackgroundWork(String threadName) {
        this.threadName = threadName;
    }

    synchronized void submit(Task task) {
        queue.addLast(task);
        if (worker == null) {
            worker = new Thread(this::work, threadName);
            worker.setDaemon(true);
            worker.setPriority(Thread.MIN_PRIORITY);
            worker.start();
        }
    }

    private void work() {
        for (Task task = next(); task != null; task = next()) {
            task.run();
        }
    }

    /** The next task, or null once the queue is empty or the thread was interrupted: the thread then ends. */
    private synchronized Task next() {
        if (Thread.currentThread().isInterrupted()) {
            queue.forEach(Task::drop);
            queue.clear();
        }
        Task task = queue.pollFirst();
        if (task == null) {
            worker = null;
        }
        return task;
    }
}

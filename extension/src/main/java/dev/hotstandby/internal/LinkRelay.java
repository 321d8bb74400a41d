package dev.hotstandby.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A link relayed through the test JVM: the local backend's replication links (between Unix
 * sockets: the standby dials a socket in a private directory, the relay the upstream's socket) and,
 * with {@code clientFaults}, the test's own connections (loopback TCP to wherever the node listens).
 * Written here rather than taken from a library: the local servers stream over private Unix sockets
 * with trust authentication, and the TCP proxies (NetCrusher, Toxiproxy) relay TCP only, which would
 * need the cluster's password before its first start. Per connection and
 * direction, a reader passes on what arrives, or while a fault is set queues it with its arrival
 * time for a writer that passes it on when {@link LinkFaults} lets it: a cut stops both (the sockets stay open, as a network partition
 * leaves them), a delay holds each chunk, a cap paces the writes.
 */
public final class LinkRelay implements AutoCloseable {
    private static final int CHUNK = 64 * 1024;
    /** Chunks queued per direction: a cut backs up into the sender's socket, as a full TCP window. */
    private static final int QUEUED = 16;
    /** The longest a new connection is held while its upstream server is still starting. */
    private static final long STARTING_HOLD_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String name;
    private final Path socket;
    private final Supplier<SocketAddress> upstream;
    private final LinkFaults faults;
    private final BooleanSupplier upstreamStarting;
    private final ServerSocketChannel server;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    private LinkRelay(String name, Path socket, Supplier<SocketAddress> upstream, LinkFaults faults,
                      BooleanSupplier upstreamStarting, ServerSocketChannel server) {
        this.name = name;
        this.socket = socket;
        this.upstream = upstream;
        this.faults = faults;
        this.upstreamStarting = upstreamStarting;
        this.server = server;
    }

    /**
     * Listens on the Unix socket {@code socket} (its directory exists) and relays to the server socket
     * {@code upstream}. While {@code upstreamStarting} holds (its server runs but does not accept
     * connections yet), a new connection waits for it instead of being refused: a standby started
     * beside its primary would otherwise be turned away and try again only after
     * wal_retrieve_retry_interval.
     */
    public static LinkRelay onSocket(String name, Path socket, Path upstream, LinkFaults faults,
                                     BooleanSupplier upstreamStarting) {
        try {
            Files.deleteIfExists(socket);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            return start(new LinkRelay(name, socket, () -> UnixDomainSocketAddress.of(upstream), faults,
                    upstreamStarting, server));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the link relay " + socket, e);
        }
    }

    /**
     * Listens on a free loopback port and relays to {@code upstream}, asked for each new connection
     * (a container's mapped port changes when it restarts).
     */
    public static LinkRelay onLoopback(String name, Supplier<InetSocketAddress> upstream, LinkFaults faults) {
        return onAddress(name, InetAddress.getLoopbackAddress(), upstream, faults);
    }

    /**
     * Listens on a free port of {@code local}, one of this machine's addresses (the containers
     * backend's: the gateway of the cluster's Docker network, which its containers reach), and relays
     * to {@code upstream}, asked for each new connection.
     */
    public static LinkRelay onAddress(String name, InetAddress local, Supplier<InetSocketAddress> upstream,
                                      LinkFaults faults) {
        try {
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            server.bind(new InetSocketAddress(local, 0));
            return start(new LinkRelay(name, null, upstream::get, faults, () -> false, server));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a link relay for " + name + " on " + local.getHostAddress(), e);
        }
    }

    private static LinkRelay start(LinkRelay relay) {
        daemon("hotstandby-link-" + relay.name, relay::accept).start();
        return relay;
    }

    /** The Unix socket it listens on; null on loopback. */
    public Path socket() {
        return socket;
    }

    /** The TCP port it listens on. */
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("the relay for " + name + " is closed", e);
        }
    }

    /** Drops every connection now, as a reset would; a WAL receiver or a pool dials again. */
    public void reset() {
        connections.forEach(Connection::close);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reset();
        if (socket == null) {
            return;
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // its directory goes with the cluster
        }
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                awaitUpstreamStarted();
                SocketChannel target = SocketChannel.open(upstream.get());
                Connection connection = new Connection(client, target);
                connections.add(connection);
                connection.start();
            } catch (IOException | RuntimeException upstreamDown) {
                closeQuietly(client);   // as a refused connection: a WAL receiver or a pool retries
            }
        }
    }

    private void awaitUpstreamStarted() {
        long deadline = System.nanoTime() + STARTING_HOLD_NANOS;
        while (server.isOpen() && upstreamStarting.getAsBoolean() && System.nanoTime() - deadline < 0) {
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Both directions of one relayed connection; either side closing ends both. */
    private final class Connection {
        private final SocketChannel client;
        private final SocketChannel target;

        Connection(SocketChannel client, SocketChannel target) {
            this.client = client;
            this.target = target;
        }

        void start() {
            pump(client, target, "to-server");
            pump(target, client, "to-client");
        }

        private void pump(SocketChannel from, SocketChannel to, String direction) {
            Direction pump = new Direction(from, to);
            daemon("hotstandby-link-" + name + "-" + direction + "-read", pump::read).start();
            daemon("hotstandby-link-" + name + "-" + direction + "-write", pump::write).start();
        }

        /**
         * One direction. Without a fault and with nothing queued, the reader writes straight on:
         * the queue's hand-over to the writer would cost each commit a thread switch.
         */
        private final class Direction {
            private final SocketChannel from;
            private final SocketChannel to;
            private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED);
            /** Chunks queued and not yet written: while there are any, new ones queue behind them. */
            private final AtomicInteger pending = new AtomicInteger();

            Direction(SocketChannel from, SocketChannel to) {
                this.from = from;
                this.to = to;
            }

            void read() {
                try {
                    while (true) {
                        faults.awaitFlowing();
                        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                        if (from.read(buffer) < 0) {
                            pending.incrementAndGet();
                            queue.put(Chunk.END);
                            return;
                        }
                        buffer.flip();
                        if (pending.get() == 0 && faults.isClear()) {
                            writeFully(buffer);
                        } else {
                            pending.incrementAndGet();
                            queue.put(new Chunk(System.nanoTime(), buffer));
                        }
                    }
                } catch (IOException | InterruptedException ended) {
                    close();
                }
            }

            void write() {
                try {
                    while (true) {
                        Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                        if (chunk == null) {
                            if (!to.isOpen()) {
                                return;
                            }
                            continue;
                        }
                        if (chunk == Chunk.END) {
                            close();
                            return;
                        }
                        faults.awaitDue(chunk.readAt());
                        long pace = faults.transmissionNanos(chunk.bytes().remaining());
                        writeFully(chunk.bytes());
                        pending.decrementAndGet();
                        if (pace > 0) {
                            TimeUnit.NANOSECONDS.sleep(pace);
                        }
                    }
                } catch (IOException | InterruptedException ended) {
                    close();
                }
            }

            private void writeFully(ByteBuffer bytes) throws IOException {
                while (bytes.hasRemaining()) {
                    to.write(bytes);
                }
            }
        }

        void close() {
            connections.remove(this);
            closeQuietly(client);
            closeQuietly(target);
        }
    }

    private record Chunk(long readAt, ByteBuffer bytes) {
        static final Chunk END = new Chunk(0, ByteBuffer.allocate(0));
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

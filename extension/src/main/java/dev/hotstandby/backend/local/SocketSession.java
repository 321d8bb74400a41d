package dev.hotstandby.backend.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * A minimal PostgreSQL protocol-3 client over a node's private Unix socket, where pg_hba grants
 * "trust": the backend's own start-up talk (set the cluster's password, watch standbys replay)
 * then needs no password and no SCRAM round, before any password exists. Simple queries only;
 * values come back as text. Everything users touch goes through pgjdbc over TCP instead.
 */
final class SocketSession implements dev.hotstandby.engine.DatabaseSession {
    private static final int PROTOCOL_3 = 196608;

    private final SocketChannel channel;
    private final DataInputStream in;
    private final DataOutputStream out;

    private SocketSession(SocketChannel channel) {
        this.channel = channel;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel)));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)));
    }

    static SocketSession open(Path socketDir, int port, String user) throws SQLException {
        return open(socketDir, port, user, "postgres");
    }

    static SocketSession open(Path socketDir, int port, String user, String database) throws SQLException {
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socketDir.resolve(".s.PGSQL." + port)));
            SocketSession session = new SocketSession(channel);
            session.startUp(user, database);
            return session;
        } catch (IOException e) {
            throw new SQLException("cannot connect to the socket of port " + port + " in " + socketDir + ": " + e, "08001", e);
        }
    }

    private void startUp(String user, String database) throws IOException, SQLException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream startup = new DataOutputStream(body);
        startup.writeInt(PROTOCOL_3);
        for (String part : new String[] {"user", user, "database", database, "application_name", "hotstandby-start"}) {
            writeString(startup, part);
        }
        startup.writeByte(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
        readUntilReady(null);
    }

    /** Runs one statement; returns the first column of the first row, or null. */
    @Override
    public String query(String sql) throws SQLException {
        try {
            byte[] text = sql.getBytes(StandardCharsets.UTF_8);
            out.writeByte('Q');
            out.writeInt(4 + text.length + 1);
            out.write(text);
            out.writeByte(0);
            out.flush();
            String[] first = new String[1];
            readUntilReady(first);
            return first[0];
        } catch (IOException e) {
            throw new SQLException("connection lost: " + e, "08006", e);
        }
    }

    private void readUntilReady(String[] firstValue) throws IOException, SQLException {
        SQLException error = null;
        boolean haveRow = false;
        while (true) {
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'R' -> {
                    int request = new DataInputStream(new java.io.ByteArrayInputStream(body)).readInt();
                    if (request != 0) {
                        throw new SQLException("the server asks for a password on its Unix socket; pg_hba.conf must"
                                + " trust local connections (see configs/pg_hba.conf)", "28000");
                    }
                }
                case 'D' -> {
                    if (firstValue != null && !haveRow) {
                        haveRow = true;
                        firstValue[0] = firstColumn(body);
                    }
                }
                case 'E' -> error = errorFrom(body);
                case 'Z' -> {
                    if (error != null) {
                        throw error;
                    }
                    return;
                }
                default -> {
                    // parameter status, key data, notices, row descriptions, command tags: not needed
                }
            }
        }
    }

    private static String firstColumn(byte[] row) throws IOException {
        DataInputStream fields = new DataInputStream(new java.io.ByteArrayInputStream(row));
        if (fields.readShort() == 0) {
            return null;
        }
        int length = fields.readInt();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        fields.readFully(value);
        return new String(value, StandardCharsets.UTF_8);
    }

    private static SQLException errorFrom(byte[] body) {
        String message = "";
        String state = null;
        int start = 0;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == 0 && i > start) {
                char field = (char) body[start];
                String value = new String(body, start + 1, i - start - 1, StandardCharsets.UTF_8);
                if (field == 'M') {
                    message = value;
                } else if (field == 'C') {
                    state = value;
                }
                start = i + 1;
            }
        }
        return new SQLException(message, state);
    }

    private static void writeString(DataOutputStream target, String value) throws IOException {
        target.write(value.getBytes(StandardCharsets.UTF_8));
        target.writeByte(0);
    }

    @Override
    public void close() {
        try {
            out.writeByte('X');
            out.writeInt(4);
            out.flush();
        } catch (IOException alreadyGone) {
            // closing anyway
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}

package dev.hotstandby;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection that opens its real one only when it is first used for SQL: until then it keeps what
 * the caller set (read-only, auto-commit, isolation), so a {@code setReadOnly(true)} before the first
 * statement decides which server the connection goes to. The shape of Spring's
 * {@code LazyConnectionDataSourceProxy}, in a few lines, since hotstandby-junit brings no Spring.
 */
final class LazyRoutedConnection implements InvocationHandler {
    /** Opens a real connection to one server. */
    interface Server {
        Connection connect() throws SQLException;
    }

    private final Server readWrite;
    private final Server readOnly;
    private boolean readOnlyRequested;
    private Boolean autoCommit;
    private Integer isolation;
    private boolean closed;
    private Connection target;

    private LazyRoutedConnection(Server readWrite, Server readOnly) {
        this.readWrite = readWrite;
        this.readOnly = readOnly;
    }

    static Connection open(Server readWrite, Server readOnly) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                new LazyRoutedConnection(readWrite, readOnly));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (target == null) {
            switch (method.getName()) {
                case "equals": return proxy == args[0];
                case "hashCode": return System.identityHashCode(proxy);
                case "toString": return "lazy connection, not opened yet (read-only: " + readOnlyRequested + ")";
                case "setReadOnly": readOnlyRequested = (Boolean) args[0]; return null;
                case "isReadOnly": return readOnlyRequested;
                case "setAutoCommit": autoCommit = (Boolean) args[0]; return null;
                case "getAutoCommit": if (autoCommit != null) { return autoCommit; } break;
                case "setTransactionIsolation": isolation = (Integer) args[0]; return null;
                case "getTransactionIsolation": if (isolation != null) { return isolation; } break;
                case "commit", "rollback": return null;   // nothing ran, so nothing to end
                case "close": closed = true; return null;
                case "isClosed": return closed;
                default: break;
            }
            if (closed) {
                throw new SQLException("the connection is closed", "08003");
            }
            target = opened();
        }
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException thrown) {
            throw thrown.getCause();
        }
    }

    private Connection opened() throws SQLException {
        Connection connection = (readOnlyRequested ? readOnly : readWrite).connect();
        try {
            if (autoCommit != null) {
                connection.setAutoCommit(autoCommit);
            }
            if (isolation != null) {
                connection.setTransactionIsolation(isolation);
            }
            connection.setReadOnly(readOnlyRequested);
            return connection;
        } catch (SQLException failed) {
            connection.close();
            throw failed;
        }
    }
}

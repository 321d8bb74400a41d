package dev.hotstandby.engine;

import dev.hotstandby.ApplicationOptions;
import dev.hotstandby.ClusterStartException;
import dev.hotstandby.internal.ScramVerifier;
import dev.hotstandby.internal.SqlScript;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What the test's handles expect once the cluster runs, for every backend: the application role
 * (a login role with the cluster's password, no superuser), the database it owns, then the init
 * scripts, statement by statement, in that database as that role, on the primary. The start
 * contract then waits until every standby has replayed it all.
 */
final class ApplicationSetup {
    private final ApplicationOptions application;

    ApplicationSetup(ApplicationOptions application) {
        this.application = application;
    }

    boolean hasWork() {
        return application.hasApplicationRole() || !application.database().equals(ApplicationOptions.DEFAULT_DATABASE)
                || !application.initScripts().isEmpty();
    }

    void run(BackendNode primary, String password) {
        String role = quoteIdentifier(application.username());
        String database = quoteIdentifier(application.database());
        if (application.hasApplicationRole()) {
            Sql.single(primary, "CREATE ROLE " + role + " LOGIN PASSWORD " + Sql.literal(ScramVerifier.of(password)));
        }
        String exists = Sql.single(primary, "SELECT count(*) FROM pg_database WHERE datname = "
                + Sql.literal(application.database()));
        if ("0".equals(exists)) {
            Sql.single(primary, "CREATE DATABASE " + database + " OWNER " + role);
        } else if (application.hasApplicationRole()) {
            Sql.single(primary, "ALTER DATABASE " + database + " OWNER TO " + role);
        }
        if (!application.initScripts().isEmpty()) {
            DataSource dataSource = DataSources.create(primary.host(), primary.port(), application.database(),
                    application.username(), password);
            for (String script : application.initScripts()) {
                runScript(dataSource, script);
            }
        }
    }

    private void runScript(DataSource dataSource, String script) {
        String text = ApplicationOptions.read(script);
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (SqlScript.Statement each : SqlScript.split(text)) {
                try {
                    statement.execute(each.sql());
                } catch (SQLException failed) {
                    throw new ClusterStartException(describe(script, each, failed), failed);
                }
            }
        } catch (SQLException cannotConnect) {
            throw new ClusterStartException("init script " + script + ": cannot connect to database "
                    + application.database() + " as " + application.username() + ": " + cannotConnect.getMessage(),
                    cannotConnect);
        }
        NodeLog.of("primary").info("ran init script " + script + " in " + application.database()
                + " as " + application.username());
    }

    /** {@code init script schema.sql, line 7: CREATE TABLE … failed: ERROR: … (SQLState 42P07)}. */
    private String describe(String script, SqlScript.Statement statement, SQLException failed) {
        int line = statement.line();
        String message = failed.getMessage();
        if (failed instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage server = psql.getServerErrorMessage();
            if (server.getPosition() > 0) {
                line = statement.lineOf(server.getPosition());
            }
            message = server.getSeverity() + ": " + server.getMessage()
                    + (server.getDetail() == null ? "" : " (" + server.getDetail() + ")");
        }
        String firstLine = statement.sql().lines().findFirst().orElse("");
        return "init script " + script + ", line " + line + ": the statement starting at line " + statement.line()
                + " (" + abbreviate(firstLine) + ") failed as " + application.username() + " in database "
                + application.database() + ": " + message + " [SQLState " + failed.getSQLState() + "]";
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}

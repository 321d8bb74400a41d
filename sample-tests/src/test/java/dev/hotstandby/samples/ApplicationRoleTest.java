package dev.hotstandby.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hotstandby.PostgresNode;
import dev.hotstandby.junit.PostgresStandbyCluster;
import dev.hotstandby.junit.Primary;
import dev.hotstandby.junit.Standby;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The application's own database and role, as production has them: the handles connect to
 * {@code shop} as {@code shop_app}, which owns the database but is no superuser, and the init
 * script created the schema (as {@code shop_app}) before the first test, replayed on the standby.
 */
@PostgresStandbyCluster(shared = true, database = "shop", username = "shop_app", initScripts = "shop-schema.sql")
class ApplicationRoleTest {

    @Test
    void theStandbyHasTheInitScriptsRowsAtTheFirstTest(@Standby Connection standby) throws SQLException {
        assertEquals("shop_app@shop", Sql.single(standby, "SELECT current_user || '@' || current_database()"));
        assertEquals("2", Sql.single(standby, "SELECT count(*) FROM products"));
    }

    @Test
    void aWriteOnTheStandbyFailsWithReadOnlySqlTransaction(@Standby Connection standby) throws SQLException {
        try (Statement statement = standby.createStatement()) {
            SQLException refused = assertThrows(SQLException.class,
                    () -> statement.execute("UPDATE products SET price = price * 2"));
            assertEquals("25006", refused.getSQLState());
        }
    }

    @Test
    void whatTheRoleMayNotDoFailsWithInsufficientPrivilege(@Primary Connection primary) throws SQLException {
        try (Statement statement = primary.createStatement()) {
            SQLException refused = assertThrows(SQLException.class, () -> statement.execute("CREATE ROLE auditor"));
            assertEquals("42501", refused.getSQLState());
        }
    }

    @Test
    void theSuperuserDoesWhatTheRoleMayNot(@Primary PostgresNode primary) throws SQLException {
        try (Connection superuser = primary.superuserDataSource().getConnection()) {
            assertEquals("postgres@shop", Sql.single(superuser, "SELECT current_user || '@' || current_database()"));
            assertEquals("f", Sql.single(superuser, "SELECT rolsuper FROM pg_roles WHERE rolname = 'shop_app'"));
        }
    }
}

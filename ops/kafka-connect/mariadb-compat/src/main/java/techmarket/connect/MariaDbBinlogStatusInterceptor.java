package techmarket.connect;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Lets Debezium's MySQL connector read a MariaDB server.
 *
 * <p>Maven Central serves no debezium-connector-mariadb at the pinned Debezium version, and the
 * MySQL connector asks for {@code SHOW BINARY LOG STATUS} (MySQL 8.4's name) on every server whose
 * version number is 8.4 or higher, which MariaDB 10.x is by number but does not understand. This
 * Connector/J query interceptor answers that one statement with MariaDB's {@code SHOW MASTER
 * STATUS}, whose first columns (file, position) are the ones Debezium reads. Every other statement
 * passes through untouched. Enabled per connector with
 * {@code driver.queryInterceptors=techmarket.connect.MariaDbBinlogStatusInterceptor}.
 */
public final class MariaDbBinlogStatusInterceptor implements QueryInterceptor {
    private static final String MYSQL_84_STATEMENT = "SHOW BINARY LOG STATUS";
    private static final String MARIADB_STATEMENT = "SHOW MASTER STATUS";

    private Connection connection;

    @Override
    public QueryInterceptor init(MysqlConnection conn, Properties props, Log log) {
        this.connection = (Connection) conn;
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query interceptedQuery) {
        String statement = sql.get();
        if (statement == null || !statement.trim().equalsIgnoreCase(MYSQL_84_STATEMENT)) {
            return null; // run the statement as sent
        }
        try {
            // executeTopLevelOnly() keeps this nested statement from coming back through here.
            return (T) connection.createStatement().executeQuery(MARIADB_STATEMENT);
        } catch (SQLException e) {
            throw new IllegalStateException(MARIADB_STATEMENT + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean executeTopLevelOnly() {
        return true;
    }

    @Override
    public void destroy() {
        connection = null;
    }

    @Override
    public <T extends Resultset> T postProcess(
            Supplier<String> sql, Query interceptedQuery, T originalResultSet, ServerSession serverSession) {
        return originalResultSet;
    }
}

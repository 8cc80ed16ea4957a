-- Sessions are now stored under a hash of their id (server/src/http/session_ids.rs).
-- Sessions stored before were kept under the cookie's id itself: drop them, so no
-- readable id is left in the table (everyone signs in once more).
DELETE FROM tower_sessions.session;

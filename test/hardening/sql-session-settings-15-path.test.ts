// The session settings cannot change what a read runs (pg-session-settings.ts): PostgreSQL 15, search_path.
import { sessionSettingsSuite } from './pg-session-settings.js';

sessionSettingsSuite('system', 'search_path');

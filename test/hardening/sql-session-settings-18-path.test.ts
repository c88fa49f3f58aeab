// The session settings cannot change what a read runs (pg-session-settings.ts): PostgreSQL 18, search_path.
import { sessionSettingsSuite } from './pg-session-settings.js';

sessionSettingsSuite('18', 'search_path');

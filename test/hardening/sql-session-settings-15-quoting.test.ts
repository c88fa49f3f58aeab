// The session settings cannot change what a read runs (pg-session-settings.ts): PostgreSQL 15, standard_conforming_strings, client_encoding and backslash_quote.
import { sessionSettingsSuite } from './pg-session-settings.js';

sessionSettingsSuite('system', 'others');

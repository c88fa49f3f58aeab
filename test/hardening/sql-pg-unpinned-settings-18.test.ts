// A role's settings cannot change what a read gives (pg-unpinned-settings.ts): PostgreSQL 18.
import { unpinnedSettingsSuite } from './pg-unpinned-settings.js';

unpinnedSettingsSuite('18');

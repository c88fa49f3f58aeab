// Imported first by the ink component tests: ink reads CI when it loads and then draws only the final frame;
// the tests look at every frame, as an operator's terminal does (src/ui/ink/load-ink.ts does the same at run time).
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;

// Unmounts each test's components after it runs, so tests never see each other's DOM.
import '@testing-library/svelte/vitest';

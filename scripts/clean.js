// Removes stale compiled output so a deleted source or test never lingers in dist/.
require('fs').rmSync(require('path').join(__dirname, '..', 'dist'), { recursive: true, force: true });

// `npm run demo`: the whole product on one machine, with no API key and no
// network: Temporal dev server (Web UI on 8233), Vidu simulator, worker and
// webhook receiver, the HTTP API with the review console (8090), then one ad from the sample photos through review, one
// storyboard edit, approval and composition. With VIDU_API_KEY set it uses
// the real Vidu API instead (callbacks when CALLBACK_PUBLIC_URL is set,
// polling otherwise). Ends by itself; --keep-running leaves everything up
// until Ctrl-C. Nothing keeps running after it exits.
import { runMain } from '../../config';
import { runDemoCli } from './demoCli';
import { startDemoReviewConsole } from './reviewConsole';

runMain(async () => {
  process.exitCode = await runDemoCli(process.argv.slice(2), {
    // The API and review console start with the demo: the ad's console link is
    // printed beside the Web UI link and kept up by --keep-running.
    startReviewConsole: startDemoReviewConsole,
  });
  // Everything is closed; should a stray handle remain, it must not keep the command alive.
  setTimeout(() => process.exit(), 2_000).unref();
});

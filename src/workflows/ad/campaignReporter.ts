// An ad of a campaign tells its campaign workflow each change of stage, with
// its progress and credits, by signal: the campaign counts what is at Vidu,
// starts the next variant and sums the status from these reports alone, so
// they reach whichever run of the campaign is current. The ad waits for its
// reports to be delivered before it ends, so the last one (done, failed,
// cancelled) is never dropped with the ad's final command.
import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { creditsSpent, creditsStatus, type AdState } from './state';
import { CAMPAIGN_WORKFLOW_ID, campaignAdReportSignal } from '../campaign/contract';

export interface CampaignReporter {
  report(state: AdState): void;
  /** Resolves once every report sent so far was delivered (or refused). */
  delivered(): Promise<void>;
}

export function campaignReporter(campaign: { workflowId: string } | undefined): CampaignReporter | undefined {
  // A malformed id fails the ad's input check; nothing is sent to it meanwhile.
  if (!campaign || !CAMPAIGN_WORKFLOW_ID.test(campaign.workflowId)) return undefined;
  const handle = getExternalWorkflowHandle(campaign.workflowId);
  let pending: Promise<void> = Promise.resolve();
  return {
    report(state) {
      const report = {
        adId: state.adId,
        stage: state.stage,
        progress: state.progress,
        creditsSpent: creditsSpent(state),
        creditsReserved: creditsStatus(state).reserved,
        ...(state.lastError && { error: state.lastError }),
      };
      // A campaign that has ended (cancelled, or gone) cannot take it; the ad goes on regardless.
      const sent = handle.signal(campaignAdReportSignal, report).catch((err: unknown) => log.warn(`ad ${state.adId}: could not report to campaign ${campaign.workflowId}: ${String(err)}`));
      pending = Promise.all([pending, sent]).then(() => undefined);
    },
    delivered: () => pending,
  };
}

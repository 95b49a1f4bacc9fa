// Entry of a verifier worker thread (see VerificationPool).
import { parentPort } from 'node:worker_threads';
import { serveVerification } from './verification-service';

if (parentPort) serveVerification(parentPort);

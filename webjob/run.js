// Azure WebJobs entry point (Kudu picks run.js): the compiled WebJob.
require('./dist/main.js');

using Crowdstart.Dashboard.Extensions;
using Crowdstart.Dashboard.Security;
using Crowdstart.Pipeline;

var builder = WebApplication.CreateBuilder(args);
builder.AddCrowdstartConfiguration();
builder.AddPipeline();
builder.AddDashboard();

var app = builder.Build();
await app.InitializePipelineAsync();
await app.InitializeDashboardAsync();
app.UseDashboard();
app.Run();

/// <summary>Entry point; public so integration tests can host the app.</summary>
public partial class Program;

using Crowdstart.Pipeline.Log;

namespace Crowdstart.Tests.Infrastructure;

/// <summary>A test database whose log is a JetStream stream of its own (the JetStream variant of a log test class).</summary>
public sealed class JetStreamTestDatabase : TestDatabase
{
    public override LogEngine Engine => LogEngine.JetStream;
}

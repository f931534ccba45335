namespace Crowdstart.Dashboard.Model;

/// <summary>One filter row as typed: values comma-separated.</summary>
public sealed class ExplorerFilter
{
    public string Field { get; set; } = "source";
    public string Op { get; set; } = "eq";
    public string Values { get; set; } = "";
}

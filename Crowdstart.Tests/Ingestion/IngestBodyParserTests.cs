using System.Text;
using Crowdstart.Pipeline.Ingestion;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Ingestion;

[Layer(TestLayer.Unit)]
public class IngestBodyParserTests
{
    private static (ParsedBody? Body, BodyProblem? Problem) Parse(string body, string? contentType, int max = 10) =>
        ParsedBody.Parse(Encoding.UTF8.GetBytes(body), contentType, max);

    [Fact]
    public void Parse_JsonArray_YieldsEveryElementInOrder()
    {
        var (body, problem) = Parse("""[{"a":1},{"a":2},3]""", "application/json; charset=utf-8");

        Assert.Null(problem);
        using (body)
        {
            Assert.Equal([0, 1, 2], body!.Events.Select(e => e.Index));
            Assert.All(body.Events, e => Assert.Null(e.ParseError));
        }
    }

    [Fact]
    public void Parse_NdjsonWithBadLine_RejectsOnlyThatLine()
    {
        var (body, problem) = Parse("{\"a\":1}\n{oops\n\n{\"a\":3}\r\n", "application/x-ndjson");

        Assert.Null(problem);
        using (body)
        {
            Assert.Equal(3, body!.Events.Count);
            Assert.Null(body.Events[0].ParseError);
            Assert.Equal(1, body.Events[1].Index);
            Assert.Contains("not valid JSON", body.Events[1].ParseError);
            Assert.Null(body.Events[2].ParseError);
        }
    }

    [Theory]
    [InlineData("[{\"a\":1}", "application/json", 400, "Malformed JSON")]
    [InlineData("{\"a\":1}", "application/json", 400, "Body must be an array")]
    [InlineData("[]", "application/json", 400, "No events")]
    [InlineData("a=1", "application/x-www-form-urlencoded", 415, "Unsupported content type")]
    [InlineData("[1]", null, 415, "Unsupported content type")]
    public void Parse_BadBody_ReturnsProblem(string text, string? contentType, int status, string title)
    {
        var (body, problem) = Parse(text, contentType);

        Assert.Null(body);
        Assert.Equal(status, problem!.StatusCode);
        Assert.Equal(title, problem.Title);
    }

    [Theory]
    [InlineData("application/json", "[1,2,3,4]")]
    [InlineData("application/x-ndjson", "1\n2\n3\n4\n")]
    public void Parse_TooManyEvents_Returns413(string contentType, string text)
    {
        var (_, problem) = Parse(text, contentType, max: 3);

        Assert.Equal(413, problem!.StatusCode);
    }
}

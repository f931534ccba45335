using Crowdstart.Dashboard.Api;
using Crowdstart.Pipeline.Accounts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Dashboard.Api;

/// <summary>The customer list's query string: defaults, names in any case, and errors that name the parameter.</summary>
[Layer(TestLayer.Unit)]
public class CustomerListParametersTests
{
    [Fact]
    public void ToQuery_NothingGiven_FirstPageOfEveryoneByLastSeenNewestFirst()
    {
        // Arrange
        var parameters = new CustomerListParameters(null, null, null, null, null, null);

        // Act
        var query = parameters.ToQuery();

        // Assert
        Assert.Equal(new CustomerListQuery(null, CustomerFilter.All, CustomerSort.LastSeen, true, 1, 25), query);
    }

    [Fact]
    public void ToQuery_NamesInAnyCase_Parsed()
    {
        // Arrange
        var parameters = new CustomerListParameters("backer-0", "REFUNDED", "firstSeen", "Asc", 3, 50);

        // Act
        var query = parameters.ToQuery();

        // Assert
        Assert.Equal(new CustomerListQuery("backer-0", CustomerFilter.Refunded, CustomerSort.FirstSeen, false, 3, 50), query);
    }

    [Fact]
    public void ToQuery_WrongValues_OneErrorPerParameterNamingIt()
    {
        // Arrange: "2" is a valid enum number, which must not pass for a name
        var parameters = new CustomerListParameters(null, "2", "amount", "up", 0, CustomerData.MaxPageSize + 1);

        // Act
        var error = Assert.Throws<DomainValidationException>(parameters.ToQuery);

        // Assert
        Assert.Equal(["status", "sort", "order", "page", "pageSize"], error.Errors.Select(e => e.Field));
        Assert.Contains("all, pledged, refunded, abandoned", error.Errors[0].Reason);
    }
}

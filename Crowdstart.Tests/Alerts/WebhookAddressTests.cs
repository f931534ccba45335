using System.Net;
using Crowdstart.Pipeline.Alerts;
using Crowdstart.Pipeline.Errors;
using Crowdstart.Tests.Infrastructure;

namespace Crowdstart.Tests.Alerts;

/// <summary>The webhook target filter against every IPv6 form that carries an IPv4 address inside it.</summary>
[Layer(TestLayer.Unit)]
public class WebhookAddressTests
{
    public static TheoryData<string> InternalIPv4s => ["127.0.0.1", "10.1.2.3", "169.254.169.254"];

    /// <summary>Each IPv6 form of <c>{0}</c>: the probe's examples, then every other embedding.</summary>
    private static IEnumerable<string> EmbeddingsOf(string ipv4)
    {
        var b = IPAddress.Parse(ipv4).GetAddressBytes();
        var hi = $"{b[0]:x2}{b[1]:x2}";
        var lo = $"{b[2]:x2}{b[3]:x2}";
        // Teredo's client address is stored inverted.
        var teredoClient = $"{b[0] ^ 0xff:x2}{b[1] ^ 0xff:x2}:{b[2] ^ 0xff:x2}{b[3] ^ 0xff:x2}";
        yield return $"::ffff:{ipv4}";                       // IPv4-mapped
        yield return $"::ffff:0:{hi}:{lo}";                  // IPv4-translated (SIIT), the probe's ::ffff:0:7f00:1
        yield return $"::{ipv4}";                            // IPv4-compatible
        yield return $"2002:{hi}:{lo}::";                    // 6to4, the probe's 2002:7f00:1::
        yield return $"2002:{hi}:{lo}:1::1";
        yield return $"2001:0:{hi}:{lo}::1";                 // Teredo server
        yield return $"2001:0:808:808:0:0:{teredoClient}";   // Teredo client behind a public server
        yield return $"64:ff9b::{ipv4}";                     // NAT64 well-known prefix
        yield return $"64:ff9b:1::{ipv4}";                   // NAT64 local-use prefix
        yield return $"2a00:1450:4001::5efe:{ipv4}";         // ISATAP
        yield return $"2a00:1450:4001::200:5efe:{ipv4}";     // ISATAP, universal bit set
    }

    [Theory]
    [MemberData(nameof(InternalIPv4s))]
    public void IsInternal_IPv6EmbeddingAnInternalIPv4_IsTrueForEveryForm(string ipv4)
    {
        var admitted = EmbeddingsOf(ipv4).Where(a => !WebhookStore.IsInternal(IPAddress.Parse(a))).ToList();

        Assert.Empty(admitted);
    }

    [Theory]
    [MemberData(nameof(InternalIPv4s))]
    public async Task ValidateUrl_IPv6LiteralEmbeddingAnInternalIPv4_IsRefused(string ipv4)
    {
        foreach (var address in EmbeddingsOf(ipv4))
        {
            var url = $"http://[{address}]:8080/hook";
            var error = await Record.ExceptionAsync(() => WebhookStore.ValidateUrlAsync(url, allowPrivate: false));
            Assert.True(error is DomainValidationException, $"{url} was accepted");
        }
    }

    [Theory]
    [InlineData("http://[::ffff:0:7f00:1]/")]
    [InlineData("http://[2002:7f00:1::]/")]
    public async Task ValidateUrl_ProbesExamples_AreRefused(string url)
    {
        await Assert.ThrowsAsync<DomainValidationException>(() => WebhookStore.ValidateUrlAsync(url, allowPrivate: false));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:808:808:0:0:f7f7:fbfb")]
    [InlineData("64:ff9b::8.8.8.8")]
    [InlineData("2a00:1450:4001:81c::200e")]
    public void IsInternal_PublicAddressInAnyForm_IsFalse(string address)
    {
        Assert.False(WebhookStore.IsInternal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("https://hooks.slack.com/services/T0000/B0000/XYZabcd1234", "https://hooks.slack.com/…1234")]
    [InlineData("https://discord.com/api/webhooks/123456/tok-en_AbCd?wait=true", "https://discord.com/…true")]
    [InlineData("https://user:pass@example.com:8443/hooks/secret-path-9876", "https://example.com:8443/…9876")]
    [InlineData("https://example.com/hook", "https://example.com/…")]
    [InlineData("not a url", "…")]
    public void Mask_WebhookAddress_KeepsOriginAndLastFourCharactersOnly(string url, string expected)
    {
        // Act
        var masked = WebhookInfo.Mask(url);

        // Assert
        Assert.Equal(expected, masked);
    }
}

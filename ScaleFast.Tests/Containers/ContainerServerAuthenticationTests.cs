using ScaleFast.Tests.Infrastructure.Containers;
using ScaleFast.Tests.Security;

namespace ScaleFast.Tests.Containers;

/// <summary>
/// The servers' authentication in container mode: the same refusals as local mode's processes, each
/// skipped with the reason where the container tier cannot run.
/// </summary>
[Collection(ContainerAppCollection.Name)]
public sealed class ContainerServerAuthenticationTests(ContainerAppFixture fixture) : ServerAuthenticationTests
{
    protected override DistributedApplication App => fixture.App;

    [ContainerFact]
    public override Task Redis_answers_nothing_before_AUTH_and_refuses_a_wrong_password() => base.Redis_answers_nothing_before_AUTH_and_refuses_a_wrong_password();

    [ContainerFact]
    public override Task Postgres_asks_every_client_for_the_password() => base.Postgres_asks_every_client_for_the_password();

    [ContainerFact]
    public override Task RabbitMQ_refuses_guest_and_a_wrong_password_over_AMQP() => base.RabbitMQ_refuses_guest_and_a_wrong_password_over_AMQP();

    [ContainerFact]
    public override Task RabbitMQ_management_API_asks_for_the_broker_user() => base.RabbitMQ_management_API_asks_for_the_broker_user();

    [ContainerFact]
    public override Task The_mail_sink_takes_no_message_without_authentication() => base.The_mail_sink_takes_no_message_without_authentication();

    [ContainerFact]
    public override Task The_mail_sinks_web_UI_asks_for_its_user() => base.The_mail_sinks_web_UI_asks_for_its_user();

    [ContainerFact]
    public override Task Prometheus_asks_for_its_user_on_the_UI_and_the_API() => base.Prometheus_asks_for_its_user_on_the_UI_and_the_API();
}

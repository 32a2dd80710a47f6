namespace Plexus.Model.Tests;

/// <summary>Valid Services and their typed model.</summary>
public class ServiceTests
{
    [Fact]
    public void Service_with_named_target_port()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec:
              selector: {app: web}
              ports:
              - {name: http, port: 80, targetPort: serve-80-tcp}
              - {name: dns, port: 53, protocol: UDP}
            """;

        var service = Manifest.Single<ServiceResource>(yaml);

        Assert.Equal(ServiceType.ClusterIP, service.Spec.Type);
        Assert.Equal("web", service.Spec.Selector["app"]);
        Assert.Equal("serve-80-tcp", service.Spec.Ports[0].TargetPort.Name);
        Assert.Equal((PortProtocol.Udp, 53), (service.Spec.Ports[1].Protocol, service.Spec.Ports[1].TargetPort.Number!.Value));
        Assert.Null(service.Spec.ClusterIP);
    }

    [Fact]
    public void LoadBalancer_with_every_field_and_a_status()
    {
        const string yaml = """
            apiVersion: v1
            kind: Service
            metadata: {name: front, namespace: shop}
            spec:
              type: LoadBalancer
              selector: {app: front}
              ports:
              - {name: https, port: 443, targetPort: 8443, nodePort: 30443, appProtocol: kubernetes.io/h2c}
              clusterIP: 10.96.0.10
              clusterIPs: [10.96.0.10, "fd00::10"]
              sessionAffinity: ClientIP
              sessionAffinityConfig: {clientIP: {timeoutSeconds: 600}}
              loadBalancerIP: 198.51.100.7
              loadBalancerSourceRanges: [203.0.113.0/24]
              loadBalancerClass: example.com/bgp
              externalTrafficPolicy: Local
              internalTrafficPolicy: Cluster
              ipFamilies: [IPv4, IPv6]
              ipFamilyPolicy: PreferDualStack
              externalIPs: [198.51.100.8]
              publishNotReadyAddresses: true
              allocateLoadBalancerNodePorts: false
              healthCheckNodePort: 32000
            status:
              loadBalancer:
                ingress:
                - {ip: 198.51.100.7, ipMode: VIP}
                - {hostname: front.example.com}
            """;

        var service = Manifest.Single<ServiceResource>(yaml);
        var spec = service.Spec;

        Assert.Equal(ServiceType.LoadBalancer, spec.Type);
        Assert.Equal(30443, spec.Ports[0].NodePort);
        Assert.Equal(8443, spec.Ports[0].TargetPort.Number);
        Assert.Equal(["10.96.0.10", "fd00::10"], spec.ClusterIPs);
        Assert.Equal((SessionAffinity.ClientIP, 600), (spec.SessionAffinity, spec.EffectiveAffinityTimeoutSeconds));
        Assert.Equal(Cidr.Parse("203.0.113.0/24"), Assert.Single(spec.LoadBalancerSourceRanges));
        Assert.Equal((TrafficPolicy.Local, TrafficPolicy.Cluster), (spec.ExternalTrafficPolicy, spec.InternalTrafficPolicy));
        Assert.Equal([IpFamily.IPv4, IpFamily.IPv6], spec.IpFamilies);
        Assert.Equal(IpFamilyPolicy.PreferDualStack, spec.IpFamilyPolicy);
        Assert.True(spec.PublishNotReadyAddresses);
        Assert.False(spec.AllocateLoadBalancerNodePorts);
        Assert.Equal(32000, spec.HealthCheckNodePort);
        Assert.Equal(["198.51.100.7", null], service.Status.LoadBalancerIngress.Select(i => i.Ip));
        Assert.Equal("front.example.com", service.Status.LoadBalancerIngress[1].Hostname);
        Assert.Equal(service, Manifest.Single<ServiceResource>(service.ToJsonString()));
    }

    [Fact]
    public void Headless_service_needs_no_ports()
    {
        var service = Manifest.Single<ServiceResource>("apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {clusterIP: None, selector: {app: db}}\n");

        Assert.True(service.Spec.IsHeadless);
        Assert.Empty(service.Spec.Ports);
    }

    [Fact]
    public void Target_port_defaults_to_port_and_affinity_timeout_to_three_hours()
    {
        var service = Manifest.Single<ServiceResource>("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {sessionAffinity: ClientIP, ports: [{port: 8080}]}\n");

        Assert.Equal(8080, service.Spec.Ports[0].TargetPort.Number);
        Assert.Equal(10800, service.Spec.EffectiveAffinityTimeoutSeconds);
    }

    [Fact]
    public void Headless_NodePort_is_rejected()
    {
        var error = Assert.Single(Manifest.Parse("apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec: {type: NodePort, clusterIP: None, ports: [{port: 80}]}\n").Errors);

        Assert.Equal("spec.clusterIP", error.Path);
        Assert.Contains("must have type ClusterIP", error.Reason, StringComparison.Ordinal);
    }
}

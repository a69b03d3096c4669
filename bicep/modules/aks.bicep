// AKS cluster (platform aks) in the flink subnet: tier-sized node pool, Azure CNI. No monitoring
// add-on: the toolkit reads Flink's REST API and Kafka, not Log Analytics.
param solutionName string
param location string
param tags object
param nodeCount int
param nodeSize string
param subnetId string

resource cluster 'Microsoft.ContainerService/managedClusters@2024-08-01' = {
  name: '${solutionName}aks'
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: '${solutionName}aks'
    agentPoolProfiles: [
      {
        name: 'nodepool1'
        mode: 'System'
        count: nodeCount
        vmSize: nodeSize
        osType: 'Linux'
        type: 'VirtualMachineScaleSets'
        vnetSubnetID: subnetId
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      serviceCidr: '10.100.0.0/16'
      dnsServiceIP: '10.100.0.10'
    }
  }
}

output clusterName string = cluster.name
output fqdn string = cluster.properties.fqdn
